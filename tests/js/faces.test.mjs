// The face and user operations as the AWS SDK for JavaScript v3 sees them, on real photos: the
// face_recognition 1.3.0 test images (obama.jpg, obama2.jpg, obama3.jpg of one person, biden.jpg
// of another, 32bit.png an RGBA copy of obama2.jpg) from the folder FACE_TEST_IMAGES names. The
// binary comes from REKOGNITION_SERVER_BIN (set by `cargo xtask test`).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import {
  RekognitionClient,
  AssociateFacesCommand,
  CompareFacesCommand,
  CreateCollectionCommand,
  CreateUserCommand,
  DeleteCollectionCommand,
  DeleteFacesCommand,
  DeleteUserCommand,
  DescribeCollectionCommand,
  DetectFacesCommand,
  DisassociateFacesCommand,
  IndexFacesCommand,
  ListFacesCommand,
  ListUsersCommand,
  SearchFacesByImageCommand,
  SearchFacesCommand,
  SearchUsersByImageCommand,
  SearchUsersCommand,
  paginateListFaces,
  paginateListUsers,
} from "@aws-sdk/client-rekognition";

const binary = process.env.REKOGNITION_SERVER_BIN ?? new URL("../../target/debug/rekognition-server", import.meta.url).pathname;
const photos = process.env.FACE_TEST_IMAGES;
const skip = photos ? false : "FACE_TEST_IMAGES is not set (the face_recognition 1.3.0 tests/test_images folder)";
if (skip) console.log(`faces.test.mjs: skipped: ${skip}`);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UNKNOWN_FACE = "00000000-0000-4000-8000-000000000000";
const DEFAULT_LANDMARKS = ["eyeLeft", "eyeRight", "nose", "mouthLeft", "mouthRight"];
const ALL_LANDMARKS = [
  "eyeLeft", "eyeRight", "mouthLeft", "mouthRight", "nose", "leftEyeBrowLeft", "leftEyeBrowRight",
  "leftEyeBrowUp", "rightEyeBrowLeft", "rightEyeBrowRight", "rightEyeBrowUp", "leftEyeLeft",
  "leftEyeRight", "leftEyeUp", "leftEyeDown", "rightEyeLeft", "rightEyeRight", "rightEyeUp",
  "rightEyeDown", "noseLeft", "noseRight", "mouthUp", "mouthDown", "leftPupil", "rightPupil",
  "upperJawlineLeft", "midJawlineLeft", "chinBottom", "midJawlineRight", "upperJawlineRight",
];

const servers = [];
let s3;
let client;

/// Starts the binary with `args`; its endpoint and a client for it.
async function startServer(args) {
  const child = spawn(binary, ["--listen", "127.0.0.1:0", "--in-memory", "--s3-root", s3, ...args], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  servers.push(child);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const url = (await lines.next()).value.split(" ")[3];
  return new RekognitionClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" },
    maxAttempts: 1,
  });
}

before(async () => {
  if (skip) return;
  s3 = mkdtempSync(join(tmpdir(), "rekognition-js-faces-"));
  client = await startServer([]);
});

after(() => {
  for (const child of servers) child.kill("SIGTERM");
});

const photo = (name) => readFileSync(join(photos, name));

async function failure(command, on = client) {
  try {
    await on.send(command);
  } catch (error) {
    return error;
  }
  assert.fail(`expected ${command.constructor.name} to fail`);
}

/// Asserts `error` is the modeled client error `name` with `message` (a string or a RegExp).
function refused(error, name, message) {
  assert.equal(error.name, name, error.message);
  assert.equal(error.$fault, "client");
  assert.equal(error.$metadata.httpStatusCode, 400);
  if (message instanceof RegExp) assert.match(error.message, message);
  else if (message !== undefined) assert.equal(error.message, message);
}

// PNG files built byte by byte: a flat grey picture with no face, and a header announcing a
// picture larger than Rekognition accepts.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(width, height, rows) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function greyPng(side) {
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(side, 128)]);
  return png(side, side, Buffer.concat(Array.from({ length: side }, () => row)));
}

const hugePng = () => png(20000, 20000, Buffer.alloc(20001));

const near = (a, b, tolerance, what) =>
  assert.ok(Math.abs(a - b) <= tolerance, `${what}: ${a} is not within ${tolerance} of ${b}`);

function sameBox(a, b, tolerance, what) {
  for (const side of ["Left", "Top", "Width", "Height"]) near(a[side], b[side], tolerance, `${what}.${side}`);
}

function sortedDescending(values, what) {
  for (let i = 1; i < values.length; i++) assert.ok(values[i - 1] >= values[i], `${what} not sorted: ${values}`);
}

test("faces and users: the whole workflow", { skip }, async () => {
  const CollectionId = "js-faces";
  const created = await client.send(new CreateCollectionCommand({ CollectionId }));
  assert.equal(created.FaceModelVersion, "7.0");

  // IndexFaces from Bytes, with the default attributes.
  const indexed = await client.send(
    new IndexFacesCommand({ CollectionId, Image: { Bytes: photo("obama.jpg") }, ExternalImageId: "obama" }),
  );
  assert.equal(indexed.FaceModelVersion, "7.0");
  assert.equal(indexed.OrientationCorrection, undefined);
  assert.deepEqual(indexed.UnindexedFaces, []);
  assert.equal(indexed.FaceRecords.length, 1);
  const [{ Face: obama, FaceDetail: obamaDetail }] = indexed.FaceRecords;
  assert.match(obama.FaceId, UUID);
  assert.match(obama.ImageId, UUID);
  assert.equal(obama.ExternalImageId, "obama");
  assert.equal(obama.IndexFacesModelVersion, undefined);
  assert.equal(obama.UserId, undefined);
  assert.ok(obama.Confidence > 90 && obama.Confidence <= 100, `confidence ${obama.Confidence}`);
  // The face is in the upper middle of the picture.
  assert.ok(obama.BoundingBox.Left > 0.3 && obama.BoundingBox.Left < 0.5, JSON.stringify(obama.BoundingBox));
  assert.ok(obama.BoundingBox.Width > 0.15 && obama.BoundingBox.Width < 0.4, JSON.stringify(obama.BoundingBox));
  assert.deepEqual(obamaDetail.BoundingBox, obama.BoundingBox);
  assert.deepEqual(obamaDetail.Landmarks.map((l) => l.Type), DEFAULT_LANDMARKS);
  for (const { X, Y } of obamaDetail.Landmarks) {
    assert.ok(X > obama.BoundingBox.Left && X < obama.BoundingBox.Left + obama.BoundingBox.Width, `landmark x ${X}`);
    assert.ok(Y > obama.BoundingBox.Top && Y < obama.BoundingBox.Top + obama.BoundingBox.Height, `landmark y ${Y}`);
  }
  assert.equal(obamaDetail.AgeRange, undefined);
  assert.equal(obamaDetail.Emotions, undefined);
  assert.ok(obamaDetail.Pose && obamaDetail.Quality, "Pose and Quality are default attributes");

  // IndexFaces from an S3 object under the server's S3 root.
  mkdirSync(join(s3, "js-photos", "people"), { recursive: true });
  writeFileSync(join(s3, "js-photos", "people", "obama2.jpg"), photo("obama2.jpg"));
  const fromS3 = await client.send(
    new IndexFacesCommand({
      CollectionId,
      Image: { S3Object: { Bucket: "js-photos", Name: "people/obama2.jpg" } },
      ExternalImageId: "obama2",
    }),
  );
  assert.equal(fromS3.FaceRecords.length, 1);
  const obama2 = fromS3.FaceRecords[0].Face;
  assert.equal(obama2.ExternalImageId, "obama2");
  assert.notEqual(obama2.ImageId, obama.ImageId);

  const indexOne = async (name, ExternalImageId) => {
    const reply = await client.send(new IndexFacesCommand({ CollectionId, Image: { Bytes: photo(name) }, ExternalImageId }));
    assert.equal(reply.FaceRecords.length, 1, name);
    return reply.FaceRecords[0].Face;
  };
  const obama3 = await indexOne("obama3.jpg", "obama3");
  const biden = await indexOne("biden.jpg", "biden");
  const indexedFaces = [obama, obama2, obama3, biden];
  assert.equal(new Set(indexedFaces.map((f) => f.FaceId)).size, 4);

  // ListFaces through the paginator, three a page, in FaceId order, boxes as stored.
  const pages = [];
  for await (const page of paginateListFaces({ client, pageSize: 3 }, { CollectionId })) {
    assert.equal(page.FaceModelVersion, "7.0");
    pages.push(page.Faces);
  }
  assert.deepEqual(pages.map((p) => p.length), [3, 1]);
  const listed = pages.flat();
  assert.deepEqual(listed.map((f) => f.FaceId), indexedFaces.map((f) => f.FaceId).sort());
  for (const face of listed) {
    const original = indexedFaces.find((f) => f.FaceId === face.FaceId);
    assert.equal(face.ExternalImageId, original.ExternalImageId);
    assert.equal(face.ImageId, original.ImageId);
    assert.equal(face.IndexFacesModelVersion, "7.0");
    assert.equal(face.UserId, undefined);
    sameBox(face.BoundingBox, original.BoundingBox, 1e-5, `listed ${face.ExternalImageId}`);
  }
  const external = (face) => face.ExternalImageId;

  // SearchFacesByImage: the RGBA copy of obama2 finds the three Obama faces, not Biden.
  const byImage = await client.send(new SearchFacesByImageCommand({ CollectionId, Image: { Bytes: photo("32bit.png") } }));
  assert.equal(byImage.FaceModelVersion, "7.0");
  sameBox(byImage.SearchedFaceBoundingBox, obama2.BoundingBox, 0.01, "searched face");
  assert.ok(byImage.SearchedFaceConfidence > 90);
  assert.deepEqual(byImage.FaceMatches.map((m) => external(m.Face)).sort(), ["obama", "obama2", "obama3"]);
  sortedDescending(byImage.FaceMatches.map((m) => m.Similarity), "SearchFacesByImage");
  assert.equal(external(byImage.FaceMatches[0].Face), "obama2");
  assert.ok(byImage.FaceMatches[0].Similarity >= 99, `copy ${byImage.FaceMatches[0].Similarity}`);
  for (const match of byImage.FaceMatches) {
    assert.ok(match.Similarity >= 90, `${external(match.Face)} at ${match.Similarity}`);
    assert.equal(match.Face.IndexFacesModelVersion, "7.0");
  }
  const bidenImage = await client.send(new SearchFacesByImageCommand({ CollectionId, Image: { Bytes: photo("biden.jpg") } }));
  assert.deepEqual(bidenImage.FaceMatches.map((m) => m.Face.FaceId), [biden.FaceId]);

  // SearchFaces by id: never the face itself, the other person below the default 80.
  const byId = await client.send(new SearchFacesCommand({ CollectionId, FaceId: obama.FaceId }));
  assert.equal(byId.SearchedFaceId, obama.FaceId);
  assert.equal(byId.FaceModelVersion, "7.0");
  assert.deepEqual(byId.FaceMatches.map((m) => external(m.Face)).sort(), ["obama2", "obama3"]);
  sortedDescending(byId.FaceMatches.map((m) => m.Similarity), "SearchFaces");
  for (const match of byId.FaceMatches) assert.ok(match.Similarity >= 90, `${external(match.Face)} at ${match.Similarity}`);
  const everyone = await client.send(new SearchFacesCommand({ CollectionId, FaceId: obama.FaceId, FaceMatchThreshold: 0 }));
  assert.equal(everyone.FaceMatches.length, 3);
  const bidenMatch = everyone.FaceMatches.find((m) => m.Face.FaceId === biden.FaceId);
  assert.ok(bidenMatch.Similarity < 80, `Biden at ${bidenMatch.Similarity}`);
  assert.equal(everyone.FaceMatches.at(-1).Face.FaceId, biden.FaceId);
  const top = await client.send(new SearchFacesCommand({ CollectionId, FaceId: obama.FaceId, MaxFaces: 1 }));
  assert.deepEqual(top.FaceMatches.map((m) => m.Face.FaceId), [byId.FaceMatches[0].Face.FaceId]);

  // CompareFaces: one person across two photos (one of them from S3), and two people.
  const same = await client.send(
    new CompareFacesCommand({
      SourceImage: { Bytes: photo("obama.jpg") },
      TargetImage: { S3Object: { Bucket: "js-photos", Name: "people/obama2.jpg" } },
    }),
  );
  sameBox(same.SourceImageFace.BoundingBox, obama.BoundingBox, 1e-6, "source face");
  assert.equal(same.FaceMatches.length, 1);
  assert.ok(same.FaceMatches[0].Similarity >= 90, `similarity ${same.FaceMatches[0].Similarity}`);
  sameBox(same.FaceMatches[0].Face.BoundingBox, obama2.BoundingBox, 1e-6, "matched face");
  assert.deepEqual(same.FaceMatches[0].Face.Landmarks.map((l) => l.Type), DEFAULT_LANDMARKS);
  assert.deepEqual(same.UnmatchedFaces, []);
  assert.equal(same.SourceImageOrientationCorrection, undefined);
  const different = await client.send(
    new CompareFacesCommand({ SourceImage: { Bytes: photo("biden.jpg") }, TargetImage: { Bytes: photo("obama3.jpg") } }),
  );
  assert.deepEqual(different.FaceMatches, []);
  assert.equal(different.UnmatchedFaces.length, 1);
  sameBox(different.UnmatchedFaces[0].BoundingBox, obama3.BoundingBox, 1e-6, "unmatched face");

  // DetectFaces with ALL: 30 landmarks in AWS's order, 8 emotions by confidence, every attribute.
  const detected = await client.send(new DetectFacesCommand({ Image: { Bytes: photo("obama3.jpg") }, Attributes: ["ALL"] }));
  assert.equal(detected.FaceDetails.length, 1);
  const [detail] = detected.FaceDetails;
  sameBox(detail.BoundingBox, obama3.BoundingBox, 1e-6, "detected face");
  assert.deepEqual(detail.Landmarks.map((l) => l.Type), ALL_LANDMARKS);
  const at = (type) => detail.Landmarks.find((l) => l.Type === type);
  assert.deepEqual([at("leftPupil").X, at("leftPupil").Y], [at("eyeLeft").X, at("eyeLeft").Y]);
  assert.deepEqual([at("rightPupil").X, at("rightPupil").Y], [at("eyeRight").X, at("eyeRight").Y]);
  assert.ok(at("chinBottom").Y > at("nose").Y && at("nose").Y > at("eyeLeft").Y, "chin below nose below eyes");
  assert.deepEqual(
    detail.Emotions.map((e) => e.Type).sort(),
    ["ANGRY", "CALM", "CONFUSED", "DISGUSTED", "FEAR", "HAPPY", "SAD", "SURPRISED"],
  );
  sortedDescending(detail.Emotions.map((e) => e.Confidence), "Emotions");
  assert.ok(detail.AgeRange.Low <= detail.AgeRange.High);
  assert.ok(["Male", "Female"].includes(detail.Gender.Value));
  for (const attribute of ["Smile", "Eyeglasses", "Sunglasses", "Beard", "Mustache", "EyesOpen", "MouthOpen", "FaceOccluded"]) {
    assert.equal(typeof detail[attribute]?.Value, "boolean", attribute);
  }
  assert.equal(typeof detail.EyeDirection.Yaw, "number");
  assert.equal(detected.OrientationCorrection, undefined);

  // Users: two people, faces associated, matched, listed, released, deleted.
  await client.send(new CreateUserCommand({ CollectionId, UserId: "barack", ClientRequestToken: "js-create-barack" }));
  await client.send(new CreateUserCommand({ CollectionId, UserId: "joe" }));
  const fresh = await client.send(new ListUsersCommand({ CollectionId }));
  assert.deepEqual(fresh.Users, [
    { UserId: "barack", UserStatus: "CREATED" },
    { UserId: "joe", UserStatus: "CREATED" },
  ]);
  const first = await client.send(
    new AssociateFacesCommand({ CollectionId, UserId: "barack", FaceIds: [obama.FaceId, obama2.FaceId] }),
  );
  assert.deepEqual(first.AssociatedFaces.map((f) => f.FaceId).sort(), [obama.FaceId, obama2.FaceId].sort());
  assert.deepEqual(first.UnsuccessfulFaceAssociations, []);
  assert.equal(first.UserStatus, "UPDATING");
  const second = await client.send(
    new AssociateFacesCommand({ CollectionId, UserId: "barack", FaceIds: [obama3.FaceId, biden.FaceId, UNKNOWN_FACE] }),
  );
  assert.deepEqual(second.AssociatedFaces, [{ FaceId: obama3.FaceId }]);
  const reasonsOf = (list) => Object.fromEntries(list.map((u) => [u.FaceId, u.Reasons]));
  assert.deepEqual(reasonsOf(second.UnsuccessfulFaceAssociations), {
    [biden.FaceId]: ["LOW_MATCH_CONFIDENCE"],
    [UNKNOWN_FACE]: ["FACE_NOT_FOUND"],
  });
  const lowMatch = second.UnsuccessfulFaceAssociations.find((u) => u.FaceId === biden.FaceId);
  assert.ok(lowMatch.Confidence < 75, `Biden matched Barack at ${lowMatch.Confidence}`);
  const joe = await client.send(
    new AssociateFacesCommand({ CollectionId, UserId: "joe", FaceIds: [biden.FaceId, obama.FaceId] }),
  );
  assert.deepEqual(joe.AssociatedFaces, [{ FaceId: biden.FaceId }]);
  assert.deepEqual(joe.UnsuccessfulFaceAssociations, [
    { FaceId: obama.FaceId, UserId: "barack", Reasons: ["ASSOCIATED_TO_A_DIFFERENT_USER"] },
  ]);
  const again = await client.send(new AssociateFacesCommand({ CollectionId, UserId: "barack", FaceIds: [obama.FaceId] }));
  assert.deepEqual(again.AssociatedFaces, []);
  assert.deepEqual(again.UnsuccessfulFaceAssociations, []);
  assert.equal(again.UserStatus, "ACTIVE");

  const users = [];
  let userPages = 0;
  for await (const page of paginateListUsers({ client, pageSize: 1 }, { CollectionId })) {
    users.push(...page.Users);
    userPages++;
  }
  assert.equal(userPages, 2);
  assert.deepEqual(users, [
    { UserId: "barack", UserStatus: "ACTIVE" },
    { UserId: "joe", UserStatus: "ACTIVE" },
  ]);
  const barackFaces = await client.send(new ListFacesCommand({ CollectionId, UserId: "barack" }));
  assert.deepEqual(barackFaces.Faces.map((f) => [f.FaceId, f.UserId]), [obama, obama2, obama3].map((f) => [f.FaceId, "barack"]).sort());
  const chosen = await client.send(new ListFacesCommand({ CollectionId, FaceIds: [biden.FaceId, UNKNOWN_FACE] }));
  assert.deepEqual(chosen.Faces.map((f) => [f.FaceId, f.UserId]), [[biden.FaceId, "joe"]]);

  const userByImage = await client.send(new SearchUsersByImageCommand({ CollectionId, Image: { Bytes: photo("32bit.png") } }));
  assert.deepEqual(userByImage.UserMatches.map((m) => m.User), [{ UserId: "barack", UserStatus: "ACTIVE" }]);
  assert.ok(userByImage.UserMatches[0].Similarity >= 99, `barack at ${userByImage.UserMatches[0].Similarity}`);
  assert.equal(userByImage.FaceModelVersion, "7.0");
  sameBox(userByImage.SearchedFace.FaceDetail.BoundingBox, obama2.BoundingBox, 0.01, "searched user face");
  assert.deepEqual(userByImage.UnsearchedFaces, []);
  const nobody = await client.send(new SearchUsersByImageCommand({ CollectionId, Image: { Bytes: greyPng(120) } }));
  assert.deepEqual(nobody.UserMatches, []);
  assert.equal(nobody.SearchedFace, undefined);

  const byUser = await client.send(new SearchUsersCommand({ CollectionId, UserId: "barack" }));
  assert.deepEqual(byUser.SearchedUser, { UserId: "barack" });
  assert.deepEqual(byUser.UserMatches, []);
  const byUserLoosely = await client.send(new SearchUsersCommand({ CollectionId, UserId: "barack", UserMatchThreshold: 0 }));
  assert.deepEqual(byUserLoosely.UserMatches.map((m) => m.User.UserId), ["joe"]);
  assert.ok(byUserLoosely.UserMatches[0].Similarity < 80);
  const byFace = await client.send(new SearchUsersCommand({ CollectionId, FaceId: obama3.FaceId }));
  assert.deepEqual(byFace.SearchedFace, { FaceId: obama3.FaceId });
  assert.deepEqual(byFace.UserMatches.map((m) => m.User.UserId), ["barack"]);
  assert.ok(byFace.UserMatches[0].Similarity >= 90);

  // A face bound to a user is not deleted; disassociated, it is.
  const bound = await client.send(new DeleteFacesCommand({ CollectionId, FaceIds: [obama.FaceId] }));
  assert.deepEqual(bound.DeletedFaces, []);
  assert.deepEqual(bound.UnsuccessfulFaceDeletions, [
    { FaceId: obama.FaceId, UserId: "barack", Reasons: ["ASSOCIATED_TO_AN_EXISTING_USER"] },
  ]);
  const released = await client.send(
    new DisassociateFacesCommand({ CollectionId, UserId: "barack", FaceIds: [obama.FaceId, biden.FaceId, UNKNOWN_FACE] }),
  );
  assert.deepEqual(released.DisassociatedFaces, [{ FaceId: obama.FaceId }]);
  assert.deepEqual(reasonsOf(released.UnsuccessfulFaceDisassociations), {
    [biden.FaceId]: ["ASSOCIATED_TO_A_DIFFERENT_USER"],
    [UNKNOWN_FACE]: ["FACE_NOT_FOUND"],
  });
  assert.equal(released.UnsuccessfulFaceDisassociations.find((u) => u.FaceId === biden.FaceId).UserId, "joe");
  assert.equal(released.UserStatus, "UPDATING");
  const deleted = await client.send(new DeleteFacesCommand({ CollectionId, FaceIds: [obama.FaceId, UNKNOWN_FACE] }));
  assert.deepEqual(deleted.DeletedFaces, [obama.FaceId]);
  assert.deepEqual(deleted.UnsuccessfulFaceDeletions, [{ FaceId: UNKNOWN_FACE, Reasons: ["FACE_NOT_FOUND"] }]);
  const gone = await failure(new SearchFacesCommand({ CollectionId, FaceId: obama.FaceId }));
  refused(gone, "InvalidParameterException", "faceId was not found in the collection.");

  const counted = await client.send(new DescribeCollectionCommand({ CollectionId }));
  assert.equal(counted.FaceCount, 3);
  assert.equal(counted.UserCount, 2);

  // Deleting a user releases its faces; the faces stay.
  assert.equal((await client.send(new DeleteUserCommand({ CollectionId, UserId: "joe" }))).$metadata.httpStatusCode, 200);
  const freed = await client.send(new ListFacesCommand({ CollectionId, FaceIds: [biden.FaceId] }));
  assert.equal(freed.Faces.length, 1);
  assert.equal(freed.Faces[0].UserId, undefined);
  assert.deepEqual((await client.send(new ListUsersCommand({ CollectionId }))).Users.map((u) => u.UserId), ["barack"]);
  const after = await client.send(new DescribeCollectionCommand({ CollectionId }));
  assert.deepEqual([after.FaceCount, after.UserCount], [3, 1]);

  assert.equal((await client.send(new DeleteCollectionCommand({ CollectionId }))).StatusCode, 200);
  refused(await failure(new DescribeCollectionCommand({ CollectionId })), "ResourceNotFoundException");
  refused(await failure(new ListFacesCommand({ CollectionId })), "ResourceNotFoundException");
});

test("every modeled error class reaches JavaScript by name", { skip }, async () => {
  const CollectionId = "js-face-errors";
  await client.send(new CreateCollectionCommand({ CollectionId }));

  // ResourceNotFoundException: a missing collection, a missing user.
  const missing = "js-no-such-collection";
  refused(
    await failure(new IndexFacesCommand({ CollectionId: missing, Image: { Bytes: greyPng(100) } })),
    "ResourceNotFoundException",
    `The collection id: ${missing} does not exist`,
  );
  refused(await failure(new SearchFacesCommand({ CollectionId: missing, FaceId: UNKNOWN_FACE })), "ResourceNotFoundException");
  refused(await failure(new CreateUserCommand({ CollectionId: missing, UserId: "u" })), "ResourceNotFoundException");
  refused(await failure(new DeleteUserCommand({ CollectionId, UserId: "nobody" })), "ResourceNotFoundException", /nobody/);
  refused(
    await failure(new AssociateFacesCommand({ CollectionId, UserId: "nobody", FaceIds: [UNKNOWN_FACE] })),
    "ResourceNotFoundException",
  );

  // InvalidParameterException: no face where one is needed, an unknown face, both search keys.
  const grey = greyPng(120);
  const noFaces = "There are no faces in the image. Should be at least 1.";
  refused(await failure(new SearchFacesByImageCommand({ CollectionId, Image: { Bytes: grey } })), "InvalidParameterException", noFaces);
  refused(
    await failure(new CompareFacesCommand({ SourceImage: { Bytes: grey }, TargetImage: { Bytes: grey } })),
    "InvalidParameterException",
    noFaces,
  );
  refused(
    await failure(new SearchFacesCommand({ CollectionId, FaceId: UNKNOWN_FACE })),
    "InvalidParameterException",
    "faceId was not found in the collection.",
  );
  refused(
    await failure(new SearchUsersCommand({ CollectionId, UserId: "u", FaceId: UNKNOWN_FACE })),
    "InvalidParameterException",
  );
  refused(await failure(new DetectFacesCommand({ Image: { Bytes: greyPng(40) } })), "InvalidParameterException");
  // Stateless detection and indexing answer an empty list instead.
  assert.deepEqual((await client.send(new DetectFacesCommand({ Image: { Bytes: grey } }))).FaceDetails, []);
  const indexedNothing = await client.send(new IndexFacesCommand({ CollectionId, Image: { Bytes: grey } }));
  assert.deepEqual([indexedNothing.FaceRecords, indexedNothing.UnindexedFaces], [[], []]);

  // InvalidImageFormatException, ImageTooLargeException, InvalidS3ObjectException.
  refused(
    await failure(new DetectFacesCommand({ Image: { Bytes: Buffer.from("GIF89a this is not a photo") } })),
    "InvalidImageFormatException",
    "Request has invalid image format",
  );
  refused(
    await failure(new IndexFacesCommand({ CollectionId, Image: { Bytes: hugePng() } })),
    "ImageTooLargeException",
    "Input image dimensions 20000 x 20000 exceed maximum dimension size of 10000 pixels",
  );
  refused(
    await failure(new IndexFacesCommand({ CollectionId, Image: { S3Object: { Bucket: "js-photos", Name: "nothing-here.jpg" } } })),
    "InvalidS3ObjectException",
    /^Unable to get object metadata from S3/,
  );

  // InvalidPaginationTokenException.
  refused(await failure(new ListFacesCommand({ CollectionId, NextToken: "garbage" })), "InvalidPaginationTokenException");
  refused(await failure(new ListUsersCommand({ CollectionId, NextToken: "garbage" })), "InvalidPaginationTokenException");

  // ConflictException and IdempotentParameterMismatchException; a replay with the same token
  // and the same parameters succeeds.
  await client.send(new CreateUserCommand({ CollectionId, UserId: "ann", ClientRequestToken: "js-token-1" }));
  await client.send(new CreateUserCommand({ CollectionId, UserId: "ann", ClientRequestToken: "js-token-1" }));
  refused(await failure(new CreateUserCommand({ CollectionId, UserId: "ann" })), "ConflictException", /ann/);
  refused(
    await failure(new CreateUserCommand({ CollectionId, UserId: "bob", ClientRequestToken: "js-token-1" })),
    "IdempotentParameterMismatchException",
    "The ClientRequestToken: js-token-1 you have supplied is already in use.",
  );
  assert.deepEqual((await client.send(new ListUsersCommand({ CollectionId }))).Users, [{ UserId: "ann", UserStatus: "CREATED" }]);

  // ValidationException (not modeled) for a request the model's constraints refuse.
  const invalid = await failure(
    new IndexFacesCommand({ CollectionId, Image: { Bytes: grey }, ExternalImageId: "has space" }),
  );
  assert.equal(invalid.name, "ValidationException");
  assert.match(invalid.message, /externalImageId/);
  await client.send(new DeleteCollectionCommand({ CollectionId }));

  // ServiceQuotaExceededException from a server allowing one user per collection.
  const capped = await startServer(["--max-users-per-collection", "1"]);
  await capped.send(new CreateCollectionCommand({ CollectionId: "js-capped" }));
  await capped.send(new CreateUserCommand({ CollectionId: "js-capped", UserId: "only" }));
  refused(
    await failure(new CreateUserCommand({ CollectionId: "js-capped", UserId: "second" }), capped),
    "ServiceQuotaExceededException",
  );
  const described = await capped.send(new DescribeCollectionCommand({ CollectionId: "js-capped" }));
  assert.equal(described.UserCount, 1);
});
