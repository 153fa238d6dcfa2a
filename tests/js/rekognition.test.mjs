// The reference server as the AWS SDK for JavaScript v3 sees it, with only an endpoint and dummy
// credentials. The binary comes from REKOGNITION_SERVER_BIN (set by `cargo xtask test`).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  RekognitionClient,
  CreateCollectionCommand,
  DeleteCollectionCommand,
  ListCollectionsCommand,
  CreateDatasetCommand,
  DescribeCollectionCommand,
  CreateProjectCommand,
  DescribeProjectsCommand,
  DeleteProjectCommand,
  DescribeDatasetCommand,
  ListDatasetEntriesCommand,
  ListDatasetLabelsCommand,
  UpdateDatasetEntriesCommand,
  DistributeDatasetEntriesCommand,
  DeleteDatasetCommand,
  TagResourceCommand,
  UntagResourceCommand,
  ListTagsForResourceCommand,
  paginateListCollections,
  paginateListDatasetEntries,
  paginateDescribeProjects,
} from "@aws-sdk/client-rekognition";

const binary = process.env.REKOGNITION_SERVER_BIN ?? new URL("../../target/debug/rekognition-server", import.meta.url).pathname;
let server;
let client;
let project;
let s3;

before(async () => {
  s3 = mkdtempSync(join(tmpdir(), "rekognition-js-"));
  server = spawn(binary, ["--listen", "127.0.0.1:0", "--in-memory", "--project", "demo", "--s3-root", s3], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  const lines = createInterface({ input: server.stdout })[Symbol.asyncIterator]();
  const first = (await lines.next()).value;
  const url = first.split(" ")[3];
  project = (await lines.next()).value.split(": ")[1];
  client = new RekognitionClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" },
    maxAttempts: 1,
  });
});

after(() => server.kill("SIGTERM"));

async function failure(command) {
  try {
    await client.send(command);
  } catch (error) {
    return error;
  }
  assert.fail("expected the call to fail");
}

test("collection lifecycle", async () => {
  const created = await client.send(new CreateCollectionCommand({ CollectionId: "js-photos", Tags: { team: "vision" } }));
  assert.equal(created.StatusCode, 200);
  assert.equal(created.CollectionArn, "aws:rekognition:us-east-1:123456789012:collection/js-photos");
  assert.equal(created.FaceModelVersion, "7.0");
  assert.match(created.$metadata.requestId, /^[0-9a-f-]{36}$/);
  assert.deepEqual((await client.send(new ListCollectionsCommand({}))).CollectionIds, ["js-photos"]);
  assert.equal((await client.send(new DeleteCollectionCommand({ CollectionId: "js-photos" }))).StatusCode, 200);
});

test("modeled errors and validation", async () => {
  await client.send(new CreateCollectionCommand({ CollectionId: "js-dup" }));
  const exists = await failure(new CreateCollectionCommand({ CollectionId: "js-dup" }));
  assert.equal(exists.name, "ResourceAlreadyExistsException");
  assert.equal(exists.message, "The collection id: js-dup already exists");
  assert.equal(exists.$metadata.httpStatusCode, 400);
  const missing = await failure(new DeleteCollectionCommand({ CollectionId: "js-missing" }));
  assert.equal(missing.name, "ResourceNotFoundException");
  const invalid = await failure(new CreateCollectionCommand({ CollectionId: "bad id!" }));
  assert.equal(invalid.name, "ValidationException");
  assert.match(invalid.message, /^1 validation error detected: Value 'bad id!' at 'collectionId'/);
  const token = await failure(new ListCollectionsCommand({ NextToken: "garbage" }));
  assert.equal(token.name, "InvalidPaginationTokenException");
  const dataset = await failure(new CreateDatasetCommand({ ProjectArn: project, DatasetType: "VALIDATE" }));
  assert.equal(dataset.name, "ValidationException");
  await client.send(new DeleteCollectionCommand({ CollectionId: "js-dup" }));
});

test("the paginator walks every page", async () => {
  for (let i = 0; i < 23; i++) {
    await client.send(new CreateCollectionCommand({ CollectionId: `js-${String(i).padStart(2, "0")}` }));
  }
  const ids = [];
  let pages = 0;
  for await (const page of paginateListCollections({ client, pageSize: 5 }, {})) {
    ids.push(...page.CollectionIds);
    pages++;
  }
  assert.equal(pages, 5);
  assert.deepEqual(ids, Array.from({ length: 23 }, (_, i) => `js-${String(i).padStart(2, "0")}`));
});

test("datasets", async () => {
  const created = await client.send(new CreateDatasetCommand({ ProjectArn: project, DatasetType: "TRAIN" }));
  assert.match(created.DatasetArn, /^arn:aws:rekognition:us-east-1:123456789012:project\/demo\/dataset\/train\/\d+$/);
  const again = await failure(new CreateDatasetCommand({ ProjectArn: project, DatasetType: "TRAIN" }));
  assert.equal(again.name, "ResourceAlreadyExistsException");
});

test("strict mode verifies the SDK's signatures and allowed actions", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rekognition-js-strict-"));
  const credentials = join(dir, "credentials.toml");
  writeFileSync(
    credentials,
    [
      "[[credential]]",
      'access_key_id = "AKIDJS"',
      'secret_access_key = "js-secret"',
      'account_id = "111122223333"',
      'user = "js"',
      'allowed_actions = ["rekognition:CreateCollection", "rekognition:ListCollections"]',
    ].join("\n"),
  );
  const strict = spawn(binary, ["--listen", "127.0.0.1:0", "--in-memory", "--credentials-file", credentials, "--s3-root", dir], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  try {
    const lines = createInterface({ input: strict.stdout })[Symbol.asyncIterator]();
    const url = (await lines.next()).value.split(" ")[3];
    const make = (secretAccessKey) =>
      new RekognitionClient({
        endpoint: url,
        region: "ap-southeast-2",
        credentials: { accessKeyId: "AKIDJS", secretAccessKey },
        maxAttempts: 1,
      });
    const signed = make("js-secret");
    const created = await signed.send(new CreateCollectionCommand({ CollectionId: "js-signed" }));
    assert.equal(created.CollectionArn, "aws:rekognition:ap-southeast-2:111122223333:collection/js-signed");
    let error;
    try {
      await make("wrong").send(new ListCollectionsCommand({}));
    } catch (e) {
      error = e;
    }
    assert.equal(error?.name, "InvalidSignatureException");
    error = undefined;
    try {
      await signed.send(new DeleteCollectionCommand({ CollectionId: "js-signed" }));
    } catch (e) {
      error = e;
    }
    assert.equal(error?.name, "AccessDeniedException");
    assert.equal(error.message, "User: arn:aws:iam::111122223333:user/js is not authorized to perform: rekognition:DeleteCollection");
  } finally {
    strict.kill("SIGTERM");
  }
});

test("DescribeCollection", async () => {
  await client.send(new CreateCollectionCommand({ CollectionId: "js-described" }));
  const described = await client.send(new DescribeCollectionCommand({ CollectionId: "js-described" }));
  assert.equal(described.CollectionARN, "arn:aws:rekognition:us-east-1:123456789012:collection/js-described");
  assert.equal(described.FaceCount, 0);
  assert.equal(described.UserCount, 0);
  assert.equal(described.FaceModelVersion, "7.0");
  assert.ok(described.CreationTimestamp instanceof Date);
  assert.ok(Math.abs(Date.now() - described.CreationTimestamp.getTime()) < 60_000);
  const missing = await failure(new DescribeCollectionCommand({ CollectionId: "js-missing" }));
  assert.equal(missing.name, "ResourceNotFoundException");
  assert.equal(missing.message, "The collection id: js-missing does not exist");
  await client.send(new DeleteCollectionCommand({ CollectionId: "js-described" }));
});

test("tags on a collection and a project", async () => {
  await client.send(new CreateCollectionCommand({ CollectionId: "js-tagged", Tags: { team: "vision" } }));
  const collectionArn = (await client.send(new DescribeCollectionCommand({ CollectionId: "js-tagged" }))).CollectionARN;
  const projectArn = (await client.send(new CreateProjectCommand({ ProjectName: "js-tagged", Tags: { "cost-center": "42" } }))).ProjectArn;
  const tagsOf = async (ResourceArn) => (await client.send(new ListTagsForResourceCommand({ ResourceArn }))).Tags;
  for (const [arn, created] of [
    [collectionArn, { team: "vision" }],
    [projectArn, { "cost-center": "42" }],
  ]) {
    assert.deepEqual(await tagsOf(arn), created);
    await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: { env: "test", owner: "js" } }));
    assert.deepEqual(await tagsOf(arn), { ...created, env: "test", owner: "js" });
    await client.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: [...Object.keys(created), "owner"] }));
    assert.deepEqual(await tagsOf(arn), { env: "test" });
  }
  const tooMany = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, "v"]));
  const quota = await failure(new TagResourceCommand({ ResourceArn: projectArn, Tags: tooMany }));
  assert.equal(quota.name, "ServiceQuotaExceededException");
  const foreign = await failure(new TagResourceCommand({ ResourceArn: "arn:aws:s3:::js-bucket-name", Tags: { k: "v" } }));
  assert.equal(foreign.name, "InvalidParameterException");
  const unknown = await failure(new ListTagsForResourceCommand({ ResourceArn: `${collectionArn}-gone` }));
  assert.equal(unknown.name, "ResourceNotFoundException");
  await client.send(new DeleteProjectCommand({ ProjectArn: projectArn }));
  await client.send(new DeleteCollectionCommand({ CollectionId: "js-tagged" }));
});

function classified(image, label) {
  return {
    "source-ref": `s3://bucket/images/${image}`,
    animal: 1,
    "animal-metadata": {
      "class-name": label,
      confidence: 0.95,
      "human-annotated": "yes",
      "creation-date": "2023-07-01T10:00:00.000",
      type: "groundtruth/image-classification",
    },
  };
}

const boxedPark = {
  "source-ref": "s3://bucket/images/park.jpg",
  boxes: {
    image_size: [{ width: 640, height: 480, depth: 3 }],
    annotations: [
      { class_id: 0, top: 10, left: 20, width: 40, height: 30 },
      { class_id: 1, top: 60, left: 80, width: 40, height: 30 },
    ],
  },
  "boxes-metadata": {
    objects: [{ confidence: 0.9 }, { confidence: 0.9 }],
    "class-map": { 0: "cat", 1: "dog" },
    type: "groundtruth/object-detection",
    "human-annotated": "yes",
    "creation-date": "2023-07-01T10:00:00.000",
  },
};

const jsonLines = (lines) => lines.map((line) => JSON.stringify(line) + "\n").join("");

async function settled(DatasetArn) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { DatasetDescription } = await client.send(new DescribeDatasetCommand({ DatasetArn }));
    if (DatasetDescription.Status !== "CREATE_IN_PROGRESS" || Date.now() > deadline) return DatasetDescription;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test("Custom Labels workflow with the paginators", async () => {
  const lines = [
    classified("cat1.jpg", "cat"),
    classified("cat2.jpg", "cat"),
    classified("dog1.jpg", "dog"),
    boxedPark,
    { "source-ref": "s3://bucket/images/unlabeled.jpg" },
    { ...classified("bad.jpg", "cat"), "animal-metadata": { ...classified("bad.jpg", "cat")["animal-metadata"], type: "unknown" } },
  ];
  mkdirSync(join(s3, "bucket"), { recursive: true });
  writeFileSync(join(s3, "bucket", "js-train.manifest"), jsonLines(lines));
  const projectArn = (await client.send(new CreateProjectCommand({ ProjectName: "js-animals" }))).ProjectArn;
  assert.match(projectArn, /^arn:aws:rekognition:us-east-1:123456789012:project\/js-animals\/\d{13}$/);
  const duplicate = await failure(new CreateProjectCommand({ ProjectName: "js-animals" }));
  assert.equal(duplicate.name, "ResourceInUseException");

  const train = (
    await client.send(
      new CreateDatasetCommand({
        ProjectArn: projectArn,
        DatasetType: "TRAIN",
        DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: "bucket", Name: "js-train.manifest" } } },
      }),
    )
  ).DatasetArn;
  assert.match(train, /^arn:aws:rekognition:us-east-1:123456789012:project\/js-animals\/dataset\/train\/\d{13}$/);
  const created = await settled(train);
  assert.equal(created.Status, "CREATE_COMPLETE");
  assert.equal(created.StatusMessage, "The dataset was successfully created from the manifest file.");
  assert.equal(created.StatusMessageCode, "SUCCESS");
  assert.deepEqual(created.DatasetStats, { LabeledEntries: 4, TotalEntries: 6, TotalLabels: 2, ErrorEntries: 1 });
  assert.equal(created.CreationTimestamp.getTime(), Number(train.split("/").pop()));
  assert.ok(created.LastUpdatedTimestamp >= created.CreationTimestamp);

  // Entries through the paginator, two a page, then filtered.
  const pages = [];
  for await (const page of paginateListDatasetEntries({ client, pageSize: 2 }, { DatasetArn: train })) {
    pages.push(page.DatasetEntries);
  }
  assert.deepEqual(pages.map((page) => page.length), [2, 2, 2]);
  const entries = pages.flat().map((entry) => JSON.parse(entry));
  assert.deepEqual(
    entries.map((entry) => entry["source-ref"]),
    lines.map((line) => line["source-ref"]),
  );
  assert.deepEqual(entries[0], { ...lines[0], "cl-metadata": { is_labeled: true } });
  assert.deepEqual(entries[4]["cl-metadata"], { is_labeled: false });
  assert.equal(entries[5]["cl-errors"][0].code, "ERROR_NO_VALID_LABEL_ATTRIBUTES");
  assert.equal(entries[5]["animal-metadata"]["cl-errors"][0].code, "ERROR_UNSUPPORTED_USE_CASE_TYPE");
  const refs = async (filters) =>
    (await client.send(new ListDatasetEntriesCommand({ DatasetArn: train, ...filters }))).DatasetEntries.map(
      (entry) => JSON.parse(entry)["source-ref"],
    );
  assert.deepEqual(await refs({ ContainsLabels: ["dog"] }), ["s3://bucket/images/dog1.jpg", "s3://bucket/images/park.jpg"]);
  assert.deepEqual(await refs({ Labeled: false }), ["s3://bucket/images/unlabeled.jpg", "s3://bucket/images/bad.jpg"]);
  assert.deepEqual(await refs({ SourceRefContains: "cat" }), ["s3://bucket/images/cat1.jpg", "s3://bucket/images/cat2.jpg"]);
  assert.deepEqual(await refs({ HasErrors: true }), ["s3://bucket/images/bad.jpg"]);
  const labels = await client.send(new ListDatasetLabelsCommand({ DatasetArn: train }));
  assert.deepEqual(labels.DatasetLabelDescriptions, [
    { LabelName: "cat", LabelStats: { EntryCount: 3, BoundingBoxCount: 1 } },
    { LabelName: "dog", LabelStats: { EntryCount: 2, BoundingBoxCount: 1 } },
  ]);

  // Replace the unlabeled image's line and add an image.
  const changes = jsonLines([classified("unlabeled.jpg", "bird"), classified("new.jpg", "bird")]);
  await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: train, Changes: { GroundTruth: new TextEncoder().encode(changes) } }));
  const updated = (await client.send(new DescribeDatasetCommand({ DatasetArn: train }))).DatasetDescription;
  assert.equal(updated.Status, "UPDATE_COMPLETE");
  assert.deepEqual(updated.DatasetStats, { LabeledEntries: 6, TotalEntries: 7, TotalLabels: 3, ErrorEntries: 1 });

  // An empty test dataset receives every fifth training entry.
  const test = (await client.send(new CreateDatasetCommand({ ProjectArn: projectArn, DatasetType: "TEST" }))).DatasetArn;
  assert.equal((await settled(test)).Status, "CREATE_COMPLETE");
  await client.send(new DistributeDatasetEntriesCommand({ Datasets: [{ Arn: train }, { Arn: test }] }));
  const statsOf = async (DatasetArn) => (await client.send(new DescribeDatasetCommand({ DatasetArn }))).DatasetDescription;
  const [trained, tested] = [await statsOf(train), await statsOf(test)];
  assert.equal(trained.Status, "UPDATE_COMPLETE");
  assert.equal(tested.Status, "UPDATE_COMPLETE");
  assert.deepEqual(trained.DatasetStats, { LabeledEntries: 5, TotalEntries: 6, TotalLabels: 3, ErrorEntries: 1 });
  assert.deepEqual(tested.DatasetStats, { LabeledEntries: 1, TotalEntries: 1, TotalLabels: 1, ErrorEntries: 0 });
  const moved = (await client.send(new ListDatasetEntriesCommand({ DatasetArn: test }))).DatasetEntries;
  assert.deepEqual(moved.map((entry) => JSON.parse(entry)["source-ref"]), ["s3://bucket/images/unlabeled.jpg"]);
  const again = await failure(new DistributeDatasetEntriesCommand({ Datasets: [{ Arn: train }, { Arn: test }] }));
  assert.equal(again.name, "InvalidParameterException");

  // Projects through the paginator, one a page: "demo" (provisioned) and this one.
  const described = [];
  for await (const page of paginateDescribeProjects({ client, pageSize: 1 }, {})) {
    assert.ok(page.ProjectDescriptions.length <= 1);
    described.push(...page.ProjectDescriptions);
  }
  const mine = described.find((p) => p.ProjectArn === projectArn);
  assert.equal(described.length, 2);
  assert.equal(described[0].ProjectArn, project);
  assert.equal(mine.Status, "CREATED");
  assert.equal(mine.Feature, "CUSTOM_LABELS");
  assert.deepEqual(
    mine.Datasets.map((d) => [d.DatasetType, d.DatasetArn, d.Status, d.StatusMessageCode]),
    [
      ["TRAIN", train, "UPDATE_COMPLETE", "SUCCESS"],
      ["TEST", test, "UPDATE_COMPLETE", "SUCCESS"],
    ],
  );

  const inUse = await failure(new DeleteProjectCommand({ ProjectArn: projectArn }));
  assert.equal(inUse.name, "ResourceInUseException");
  for (const DatasetArn of [train, test]) {
    await client.send(new DeleteDatasetCommand({ DatasetArn }));
    assert.equal((await failure(new DescribeDatasetCommand({ DatasetArn }))).name, "ResourceNotFoundException");
  }
  assert.equal((await client.send(new DeleteProjectCommand({ ProjectArn: projectArn }))).Status, "DELETING");
  const left = await client.send(new DescribeProjectsCommand({ ProjectNames: ["js-animals"] }));
  assert.deepEqual(left.ProjectDescriptions, []);
});
