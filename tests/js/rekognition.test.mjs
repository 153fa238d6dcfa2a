// The reference server as the AWS SDK for JavaScript v3 sees it, with only an endpoint and dummy
// credentials. The binary comes from REKOGNITION_SERVER_BIN (set by `cargo xtask test`).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  RekognitionClient,
  CreateCollectionCommand,
  DeleteCollectionCommand,
  ListCollectionsCommand,
  CreateDatasetCommand,
  paginateListCollections,
} from "@aws-sdk/client-rekognition";

const binary = process.env.REKOGNITION_SERVER_BIN ?? new URL("../../target/debug/rekognition-server", import.meta.url).pathname;
let server;
let client;
let project;

before(async () => {
  const s3 = mkdtempSync(join(tmpdir(), "rekognition-js-"));
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
