"""The face and user operations as boto3 and the AWS CLI see them: collections of faces indexed
from photos (request bytes and the S3 stand-in, with versions), listing and searching them,
users and their faces, DetectFaces and CompareFaces, every modeled error each operation can
reach, idempotency tokens, quotas, strict mode's permissions, the declared-results file,
hostile images, durability across a crash and isolation between accounts and regions.

The photos are face_recognition 1.3.0's tests/test_images (obama*.jpg are one person,
biden.jpg another, 32bit.png an RGBA copy of obama2.jpg), found through FACE_TEST_IMAGES
(`cargo xtask test` sets it); the tests that need them are skipped without it. The other
images are made here: plain PNGs, which have no face, and the declared-results file gives
faces to some of them by their SHA-256.
"""

import concurrent.futures
import hashlib
import json
import os
import pathlib
import re
import signal
import struct
import subprocess
import time
import zlib

import pytest

from conftest import Server, server_binary
from test_boto3 import aws_cli, error_of

PHOTO_NAMES = [
    "obama.jpg",
    "obama2.jpg",
    "obama3.jpg",
    "biden.jpg",
    "obama_partial_face.jpg",
    "obama_partial_face2.jpg",
    "32bit.png",
]

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

DEFAULT_LANDMARKS = ["eyeLeft", "eyeRight", "nose", "mouthLeft", "mouthRight"]

ALL_LANDMARKS = [
    "eyeLeft", "eyeRight", "mouthLeft", "mouthRight", "nose",
    "leftEyeBrowLeft", "leftEyeBrowRight", "leftEyeBrowUp",
    "rightEyeBrowLeft", "rightEyeBrowRight", "rightEyeBrowUp",
    "leftEyeLeft", "leftEyeRight", "leftEyeUp", "leftEyeDown",
    "rightEyeLeft", "rightEyeRight", "rightEyeUp", "rightEyeDown",
    "noseLeft", "noseRight", "mouthUp", "mouthDown", "leftPupil", "rightPupil",
    "upperJawlineLeft", "midJawlineLeft", "chinBottom", "midJawlineRight", "upperJawlineRight",
]

EMOTIONS = {"HAPPY", "SAD", "ANGRY", "CONFUSED", "DISGUSTED", "SURPRISED", "CALM", "FEAR"}

DEFAULT_DETAIL = {"BoundingBox", "Landmarks", "Pose", "Quality", "Confidence"}

ALL_DETAIL = DEFAULT_DETAIL | {
    "AgeRange", "Smile", "Eyeglasses", "Sunglasses", "Gender", "Beard", "Mustache", "EyesOpen",
    "MouthOpen", "Emotions", "FaceOccluded", "EyeDirection",
}

NO_FACES = "There are no faces in the image. Should be at least 1."
INVALID_FORMAT = "Request has invalid image format"
INVALID_PARAMETERS = "Request has invalid parameters"
S3_MISSING = "Unable to get object metadata from S3. Check object key, region and/or access permissions."
UNKNOWN_FACE_ID = "0b7c7a4e-1f0e-4a53-9a53-000000000000"


# Images made here.


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width, height, colour=(128, 128, 128), idat=None):
    """An RGB PNG of one colour; `idat` replaces its compressed pixels."""
    if idat is None:
        row = b"\x00" + bytes(colour) * width
        idat = zlib.compress(row * height)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


GREY = png(200, 200)


def jpeg_segments(data):
    """(marker, offset) of each segment of a JPEG up to its scan."""
    segments, at = [], 2
    while True:
        marker = data[at + 1]
        segments.append((marker, at))
        if marker == 0xDA:
            return segments
        at += 2 + struct.unpack(">H", data[at + 2:at + 4])[0]


def segment_at(data, wanted):
    return next(at for marker, at in jpeg_segments(data) if marker == wanted)


def with_exif(jpeg, tiff):
    """`jpeg` with an APP1 Exif segment holding `tiff` right after SOI."""
    payload = b"Exif\x00\x00" + tiff
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def tiff_with_orientation(value):
    """A little-endian TIFF header with one directory holding Orientation = `value`."""
    entry = struct.pack("<HHIHH", 0x0112, 3, 1, value, 0)
    return b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1) + entry + struct.pack("<I", 0)


def put_object(s3_root, bucket, key, data, version=None):
    path = pathlib.Path(s3_root) / bucket / (f"{key}.versions/{version}" if version else key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def body(response):
    """A response without its metadata."""
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def without_ids(value):
    """A response with its face and image ids and metadata left out, to compare two runs."""
    if isinstance(value, dict):
        return {k: without_ids(v) for k, v in value.items() if k not in ("FaceId", "ImageId", "SearchedFaceId", "ResponseMetadata")}
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    return value


def stored(box):
    """A box as the service keeps it: six significant digits."""
    return {k: float(f"{v:.6g}") for k, v in box.items()}


def counts(client, collection):
    described = client.describe_collection(CollectionId=collection)
    return described["FaceCount"], described["UserCount"]


# Fixtures.


@pytest.fixture(scope="module")
def photos():
    folder = os.environ.get("FACE_TEST_IMAGES")
    if not folder:
        pytest.skip("FACE_TEST_IMAGES is not set: it names face_recognition 1.3.0's tests/test_images (cargo xtask test sets it)")
    folder = pathlib.Path(folder)
    missing = [name for name in PHOTO_NAMES if not (folder / name).is_file()]
    assert not missing, f"FACE_TEST_IMAGES={folder} lacks {missing}"
    return {name: (folder / name).read_bytes() for name in PHOTO_NAMES} | {"folder": folder}


@pytest.fixture(scope="module")
def face_server(tmp_path_factory):
    """One server for the tests that use collections of their own names."""
    s3_root = tmp_path_factory.mktemp("face-s3")
    server = Server("--in-memory", "--s3-root", str(s3_root), "--access-key", "AKIDOTHER=210987654321")
    server.s3_root = s3_root
    yield server
    server.stop()


@pytest.fixture
def faces(face_server):
    return face_server.client()


# The workflow with photos.


def test_index_list_and_search_faces(face_server, faces, photos):
    faces.create_collection(CollectionId="album")
    indexed = faces.index_faces(CollectionId="album", Image={"Bytes": photos["obama.jpg"]}, ExternalImageId="obama-1")
    assert indexed["FaceModelVersion"] == "7.0"
    assert indexed["UnindexedFaces"] == []
    assert "OrientationCorrection" not in indexed
    [record] = indexed["FaceRecords"]
    face = record["Face"]
    # IndexFaces' Face carries neither IndexFacesModelVersion nor UserId.
    assert set(face) == {"FaceId", "BoundingBox", "ImageId", "ExternalImageId", "Confidence"}
    assert UUID.fullmatch(face["FaceId"]) and UUID.fullmatch(face["ImageId"])
    assert face["ExternalImageId"] == "obama-1"
    assert face["Confidence"] > 99
    assert face["BoundingBox"] == record["FaceDetail"]["BoundingBox"]
    assert set(record["FaceDetail"]) == DEFAULT_DETAIL
    assert [m["Type"] for m in record["FaceDetail"]["Landmarks"]] == DEFAULT_LANDMARKS
    records = {"obama-1": face}

    # From the S3 stand-in: the current object, and a version of another key whose current
    # object is someone else.
    put_object(face_server.s3_root, "photos", "people/obama2.jpg", photos["obama2.jpg"])
    put_object(face_server.s3_root, "photos", "people/portrait.jpg", photos["biden.jpg"])
    put_object(face_server.s3_root, "photos", "people/portrait.jpg", photos["obama3.jpg"], version="v1")
    for external, image in [
        ("obama-2", {"Bucket": "photos", "Name": "people/obama2.jpg"}),
        ("obama-3", {"Bucket": "photos", "Name": "people/portrait.jpg", "Version": "v1"}),
        ("biden", {"Bucket": "photos", "Name": "people/portrait.jpg"}),
    ]:
        result = faces.index_faces(CollectionId="album", Image={"S3Object": image}, ExternalImageId=external)
        [record] = result["FaceRecords"]
        records[external] = record["Face"]
    assert len({f["ImageId"] for f in records.values()}) == 4
    ids = {external: f["FaceId"] for external, f in records.items()}
    assert counts(faces, "album") == (4, 0)

    listed = faces.list_faces(CollectionId="album")
    assert listed["FaceModelVersion"] == "7.0"
    assert "NextToken" not in listed
    assert [f["FaceId"] for f in listed["Faces"]] == sorted(ids.values())
    for listed_face in listed["Faces"]:
        external = listed_face["ExternalImageId"]
        indexed_face = records[external]
        assert listed_face == {
            "FaceId": indexed_face["FaceId"],
            "BoundingBox": stored(indexed_face["BoundingBox"]),
            "ImageId": indexed_face["ImageId"],
            "ExternalImageId": external,
            "Confidence": float(f"{indexed_face['Confidence']:.6g}"),
            "IndexFacesModelVersion": "7.0",
        }

    # Pages of one, then the paginator with pages of three.
    paged, token = [], None
    while True:
        page = faces.list_faces(CollectionId="album", MaxResults=1, **({"NextToken": token} if token else {}))
        assert page["FaceModelVersion"] == "7.0"
        assert len(page["Faces"]) == 1
        paged += page["Faces"]
        token = page.get("NextToken")
        if token is None:
            break
    assert paged == listed["Faces"]
    pages = list(faces.get_paginator("list_faces").paginate(CollectionId="album", PaginationConfig={"PageSize": 3}))
    assert [len(p["Faces"]) for p in pages] == [3, 1]
    assert [f for p in pages for f in p["Faces"]] == listed["Faces"]
    chosen = faces.list_faces(CollectionId="album", FaceIds=[ids["biden"], UNKNOWN_FACE_ID, ids["obama-1"]])
    assert [f["FaceId"] for f in chosen["Faces"]] == sorted([ids["biden"], ids["obama-1"]])

    # The photo indexed from S3, sent as bytes: the same face, the same box.
    found = faces.search_faces_by_image(CollectionId="album", Image={"Bytes": photos["obama2.jpg"]})
    assert found["FaceModelVersion"] == "7.0"
    assert found["SearchedFaceBoundingBox"] == records["obama-2"]["BoundingBox"]
    assert found["SearchedFaceConfidence"] == records["obama-2"]["Confidence"]
    matches = found["FaceMatches"]
    assert [m["Face"]["FaceId"] for m in matches][0] == ids["obama-2"]
    assert sorted(m["Face"]["ExternalImageId"] for m in matches) == ["obama-1", "obama-2", "obama-3"]
    assert all(m["Similarity"] >= 90 for m in matches), matches
    assert [m["Similarity"] for m in matches] == sorted((m["Similarity"] for m in matches), reverse=True)
    assert all(m["Face"]["IndexFacesModelVersion"] == "7.0" for m in matches)
    # Biden is in the collection, below the default threshold of 80.
    everyone = faces.search_faces_by_image(CollectionId="album", Image={"Bytes": photos["obama2.jpg"]}, FaceMatchThreshold=0)
    assert [m["Face"]["ExternalImageId"] for m in everyone["FaceMatches"]][-1] == "biden"
    assert len(everyone["FaceMatches"]) == 4
    assert everyone["FaceMatches"][-1]["Similarity"] < 80
    top = faces.search_faces_by_image(CollectionId="album", Image={"Bytes": photos["obama2.jpg"]}, MaxFaces=1)
    assert top["FaceMatches"] == matches[:1]

    by_id = faces.search_faces(CollectionId="album", FaceId=ids["obama-1"])
    assert by_id["SearchedFaceId"] == ids["obama-1"]
    assert by_id["FaceModelVersion"] == "7.0"
    assert sorted(m["Face"]["ExternalImageId"] for m in by_id["FaceMatches"]) == ["obama-2", "obama-3"]
    assert all(m["Similarity"] >= 90 for m in by_id["FaceMatches"])
    # A stored descriptor and the one computed again from the same photo agree.
    stored_similarity = next(m["Similarity"] for m in by_id["FaceMatches"] if m["Face"]["FaceId"] == ids["obama-2"])
    image_similarity = next(m["Similarity"] for m in matches if m["Face"]["FaceId"] == ids["obama-1"])
    assert stored_similarity == pytest.approx(image_similarity, abs=0.01)
    all_others = faces.search_faces(CollectionId="album", FaceId=ids["obama-1"], FaceMatchThreshold=0)
    assert sorted(m["Face"]["FaceId"] for m in all_others["FaceMatches"]) == sorted(ids[k] for k in ("obama-2", "obama-3", "biden"))


def test_compare_faces(faces, photos):
    same = faces.compare_faces(SourceImage={"Bytes": photos["obama.jpg"]}, TargetImage={"Bytes": photos["obama2.jpg"]})
    assert set(body(same)) == {"SourceImageFace", "FaceMatches", "UnmatchedFaces"}
    assert set(same["SourceImageFace"]) == {"BoundingBox", "Confidence"}
    [match] = same["FaceMatches"]
    assert match["Similarity"] >= 90
    assert set(match["Face"]) == {"BoundingBox", "Confidence", "Landmarks", "Pose", "Quality"}
    assert [m["Type"] for m in match["Face"]["Landmarks"]] == DEFAULT_LANDMARKS
    assert same["UnmatchedFaces"] == []

    other = faces.compare_faces(SourceImage={"Bytes": photos["obama.jpg"]}, TargetImage={"Bytes": photos["biden.jpg"]})
    assert other["SourceImageFace"] == same["SourceImageFace"]
    assert other["FaceMatches"] == []
    [unmatched] = other["UnmatchedFaces"]
    assert set(unmatched) == {"BoundingBox", "Confidence", "Landmarks", "Pose", "Quality"}
    lowered = faces.compare_faces(
        SourceImage={"Bytes": photos["obama.jpg"]}, TargetImage={"Bytes": photos["biden.jpg"]}, SimilarityThreshold=0
    )
    assert lowered["UnmatchedFaces"] == []
    assert lowered["FaceMatches"][0]["Face"] == unmatched
    assert lowered["FaceMatches"][0]["Similarity"] < 80

    # A face is needed on both sides.
    for source, target in [(GREY, photos["obama.jpg"]), (photos["obama.jpg"], GREY)]:
        with pytest.raises(faces.exceptions.InvalidParameterException) as raised:
            faces.compare_faces(SourceImage={"Bytes": source}, TargetImage={"Bytes": target})
        assert raised.value.response["Error"]["Message"] == NO_FACES


def test_detect_faces_default_and_all(faces, photos):
    image = {"Bytes": photos["obama.jpg"]}
    default = faces.detect_faces(Image=image)
    assert "OrientationCorrection" not in default
    [face] = default["FaceDetails"]
    assert set(face) == DEFAULT_DETAIL
    assert [m["Type"] for m in face["Landmarks"]] == DEFAULT_LANDMARKS
    assert set(face["Pose"]) == {"Roll", "Yaw", "Pitch"}
    assert set(face["Quality"]) == {"Brightness", "Sharpness"}

    [full] = faces.detect_faces(Image=image, Attributes=["ALL"])["FaceDetails"]
    assert set(full) == ALL_DETAIL
    assert [m["Type"] for m in full["Landmarks"]] == ALL_LANDMARKS
    for key in ("BoundingBox", "Confidence", "Pose", "Quality"):
        assert full[key] == face[key]
    points = {m["Type"]: (m["X"], m["Y"]) for m in full["Landmarks"]}
    assert {t: points[t] for t in DEFAULT_LANDMARKS} == {m["Type"]: (m["X"], m["Y"]) for m in face["Landmarks"]}
    assert points["leftPupil"] == points["eyeLeft"] and points["rightPupil"] == points["eyeRight"]
    emotions = full["Emotions"]
    assert len(emotions) == 8 and {e["Type"] for e in emotions} == EMOTIONS
    assert [e["Confidence"] for e in emotions] == sorted((e["Confidence"] for e in emotions), reverse=True)
    assert set(full["FaceOccluded"]) == {"Value", "Confidence"}
    assert set(full["EyeDirection"]) == {"Yaw", "Pitch", "Confidence"}
    # Age and gender come from dlib's networks: Obama (born 1961) as president, and Biden
    # (born 1942), older.
    assert 30 <= full["AgeRange"]["Low"] < full["AgeRange"]["High"] <= 65
    assert full["Gender"]["Value"] == "Male" and full["Gender"]["Confidence"] > 90
    [biden] = faces.detect_faces(Image={"Bytes": photos["biden.jpg"]}, Attributes=["AGE_RANGE", "GENDER"])["FaceDetails"]
    assert biden["AgeRange"]["Low"] > full["AgeRange"]["High"]
    assert biden["Gender"]["Value"] == "Male"

    # One attribute adds to the default set.
    [occluded] = faces.detect_faces(Image=image, Attributes=["FACE_OCCLUDED"])["FaceDetails"]
    assert set(occluded) == DEFAULT_DETAIL | {"FaceOccluded"}
    assert len(occluded["Landmarks"]) == 5
    assert faces.detect_faces(Image={"Bytes": GREY})["FaceDetails"] == []


def test_users_and_their_faces(faces, photos):
    faces.create_collection(CollectionId="people")
    ids = {}
    for name in ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"):
        result = faces.index_faces(CollectionId="people", Image={"Bytes": photos[name]}, ExternalImageId=name)
        ids[name] = result["FaceRecords"][0]["Face"]["FaceId"]
    a, b, c, j = (ids[n] for n in ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"))
    assert counts(faces, "people") == (4, 0)

    assert body(faces.create_user(CollectionId="people", UserId="barack")) == {}
    assert body(faces.create_user(CollectionId="people", UserId="joe")) == {}
    assert counts(faces, "people") == (4, 2)
    assert faces.list_users(CollectionId="people")["Users"] == [
        {"UserId": "barack", "UserStatus": "CREATED"},
        {"UserId": "joe", "UserStatus": "CREATED"},
    ]

    first = faces.associate_faces(CollectionId="people", UserId="barack", FaceIds=[a])
    assert body(first) == {"AssociatedFaces": [{"FaceId": a}], "UnsuccessfulFaceAssociations": [], "UserStatus": "UPDATING"}
    assert [u["UserStatus"] for u in faces.list_users(CollectionId="people")["Users"]] == ["ACTIVE", "CREATED"]

    # An unassociated face finds the user of its person.
    by_face = faces.search_users(CollectionId="people", FaceId=c)
    assert by_face["SearchedFace"] == {"FaceId": c}
    assert "SearchedUser" not in by_face
    assert by_face["FaceModelVersion"] == "7.0"
    [user_match] = by_face["UserMatches"]
    assert user_match["User"] == {"UserId": "barack", "UserStatus": "ACTIVE"}
    assert user_match["Similarity"] >= 90

    # Once the user has a face, another person's is refused; a face it already has is skipped.
    second = faces.associate_faces(CollectionId="people", UserId="barack", FaceIds=[b, j, UNKNOWN_FACE_ID, a])
    assert second["AssociatedFaces"] == [{"FaceId": b}]
    assert second["UserStatus"] == "UPDATING"
    low, unknown = second["UnsuccessfulFaceAssociations"]
    assert low["FaceId"] == j and low["Reasons"] == ["LOW_MATCH_CONFIDENCE"]
    assert 0 <= low["Confidence"] < 75
    assert unknown == {"FaceId": UNKNOWN_FACE_ID, "Reasons": ["FACE_NOT_FOUND"]}
    assert faces.associate_faces(CollectionId="people", UserId="joe", FaceIds=[j])["AssociatedFaces"] == [{"FaceId": j}]
    taken = faces.associate_faces(CollectionId="people", UserId="joe", FaceIds=[a])
    assert taken["AssociatedFaces"] == []
    assert taken["UnsuccessfulFaceAssociations"] == [{"FaceId": a, "UserId": "barack", "Reasons": ["ASSOCIATED_TO_A_DIFFERENT_USER"]}]
    assert taken["UserStatus"] == "ACTIVE"

    faces.create_user(CollectionId="people", UserId="barack-alt")
    faces.associate_faces(CollectionId="people", UserId="barack-alt", FaceIds=[c])
    first_page = faces.list_users(CollectionId="people", MaxResults=2)
    assert [u["UserId"] for u in first_page["Users"]] == ["barack", "joe"]
    rest = faces.list_users(CollectionId="people", MaxResults=2, NextToken=first_page["NextToken"])
    assert rest["Users"] == [{"UserId": "barack-alt", "UserStatus": "ACTIVE"}]
    assert "NextToken" not in rest

    barack_faces = faces.list_faces(CollectionId="people", UserId="barack")["Faces"]
    assert [f["FaceId"] for f in barack_faces] == sorted([a, b])
    assert {f["UserId"] for f in barack_faces} == {"barack"}
    owners = {f["FaceId"]: f.get("UserId") for f in faces.list_faces(CollectionId="people")["Faces"]}
    assert owners == {a: "barack", b: "barack", c: "barack-alt", j: "joe"}

    by_user = faces.search_users(CollectionId="people", UserId="barack")
    assert by_user["SearchedUser"] == {"UserId": "barack"}
    assert "SearchedFace" not in by_user
    [user_match] = by_user["UserMatches"]
    assert user_match["User"]["UserId"] == "barack-alt" and user_match["Similarity"] >= 90

    by_image = faces.search_users_by_image(CollectionId="people", Image={"Bytes": photos["32bit.png"]})
    assert by_image["FaceModelVersion"] == "7.0"
    assert [m["User"]["UserId"] for m in by_image["UserMatches"]] == ["barack", "barack-alt"]
    assert all(m["Similarity"] >= 90 for m in by_image["UserMatches"])
    assert set(by_image["SearchedFace"]["FaceDetail"]) == DEFAULT_DETAIL
    assert by_image["UnsearchedFaces"] == []
    faceless = faces.search_users_by_image(CollectionId="people", Image={"Bytes": GREY})
    assert faceless["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert faceless["UserMatches"] == []
    assert "SearchedFace" not in faceless

    refused = faces.delete_faces(CollectionId="people", FaceIds=[a, UNKNOWN_FACE_ID])
    assert refused["DeletedFaces"] == []
    assert refused["UnsuccessfulFaceDeletions"] == [
        {"FaceId": a, "UserId": "barack", "Reasons": ["ASSOCIATED_TO_AN_EXISTING_USER"]},
        {"FaceId": UNKNOWN_FACE_ID, "Reasons": ["FACE_NOT_FOUND"]},
    ]
    released = faces.disassociate_faces(CollectionId="people", UserId="barack", FaceIds=[a, j])
    assert released["DisassociatedFaces"] == [{"FaceId": a}]
    assert released["UnsuccessfulFaceDisassociations"] == [{"FaceId": j, "UserId": "joe", "Reasons": ["ASSOCIATED_TO_A_DIFFERENT_USER"]}]
    assert released["UserStatus"] == "UPDATING"
    assert faces.list_users(CollectionId="people")["Users"][0] == {"UserId": "barack", "UserStatus": "ACTIVE"}
    deleted = faces.delete_faces(CollectionId="people", FaceIds=[a])
    assert body(deleted) == {"DeletedFaces": [a]}
    assert counts(faces, "people") == (3, 3)

    # Deleting a user keeps its faces, unassociated.
    assert body(faces.delete_user(CollectionId="people", UserId="joe")) == {}
    assert "UserId" not in faces.list_faces(CollectionId="people", FaceIds=[j])["Faces"][0]
    assert counts(faces, "people") == (3, 2)
    with pytest.raises(faces.exceptions.ResourceNotFoundException):
        faces.delete_user(CollectionId="people", UserId="joe")

    assert faces.delete_collection(CollectionId="people")["StatusCode"] == 200
    with pytest.raises(faces.exceptions.ResourceNotFoundException):
        faces.list_faces(CollectionId="people")
    faces.create_collection(CollectionId="people")
    assert counts(faces, "people") == (0, 0)
    assert faces.list_faces(CollectionId="people")["Faces"] == []
    assert faces.list_users(CollectionId="people")["Users"] == []
    assert faces.search_faces_by_image(CollectionId="people", Image={"Bytes": photos["obama.jpg"]})["FaceMatches"] == []


# Idempotency and errors; none of these needs a photo.


def test_client_request_tokens(faces):
    faces.create_collection(CollectionId="tokens")
    assert body(faces.create_user(CollectionId="tokens", UserId="u1", ClientRequestToken="token-1")) == {}
    assert body(faces.create_user(CollectionId="tokens", UserId="u1", ClientRequestToken="token-1")) == {}
    with pytest.raises(faces.exceptions.IdempotentParameterMismatchException) as raised:
        faces.create_user(CollectionId="tokens", UserId="u2", ClientRequestToken="token-1")
    assert raised.value.response["Error"]["Message"] == "The ClientRequestToken: token-1 you have supplied is already in use."
    # boto3 fills in a fresh token when none is given: a new request for an existing user.
    with pytest.raises(faces.exceptions.ConflictException):
        faces.create_user(CollectionId="tokens", UserId="u1")
    assert faces.list_users(CollectionId="tokens")["Users"] == [{"UserId": "u1", "UserStatus": "CREATED"}]
    assert body(faces.delete_user(CollectionId="tokens", UserId="u1", ClientRequestToken="token-2")) == {}
    assert body(faces.delete_user(CollectionId="tokens", UserId="u1", ClientRequestToken="token-2")) == {}
    with pytest.raises(faces.exceptions.ResourceNotFoundException):
        faces.delete_user(CollectionId="tokens", UserId="u1")


COLLECTION_CALLS = {
    "IndexFaces": lambda c, n: c.index_faces(CollectionId=n, Image={"Bytes": GREY}),
    "ListFaces": lambda c, n: c.list_faces(CollectionId=n),
    "DeleteFaces": lambda c, n: c.delete_faces(CollectionId=n, FaceIds=[UNKNOWN_FACE_ID]),
    "SearchFaces": lambda c, n: c.search_faces(CollectionId=n, FaceId=UNKNOWN_FACE_ID),
    "SearchFacesByImage": lambda c, n: c.search_faces_by_image(CollectionId=n, Image={"Bytes": GREY}),
    "CreateUser": lambda c, n: c.create_user(CollectionId=n, UserId="u"),
    "DeleteUser": lambda c, n: c.delete_user(CollectionId=n, UserId="u"),
    "ListUsers": lambda c, n: c.list_users(CollectionId=n),
    "AssociateFaces": lambda c, n: c.associate_faces(CollectionId=n, UserId="u", FaceIds=[UNKNOWN_FACE_ID]),
    "DisassociateFaces": lambda c, n: c.disassociate_faces(CollectionId=n, UserId="u", FaceIds=[UNKNOWN_FACE_ID]),
    "SearchUsers": lambda c, n: c.search_users(CollectionId=n, UserId="u"),
    "SearchUsersByImage": lambda c, n: c.search_users_by_image(CollectionId=n, Image={"Bytes": GREY}),
    "DescribeCollection": lambda c, n: c.describe_collection(CollectionId=n),
    "DeleteCollection": lambda c, n: c.delete_collection(CollectionId=n),
}


@pytest.mark.parametrize("operation", list(COLLECTION_CALLS))
def test_unknown_collection(faces, operation):
    with pytest.raises(faces.exceptions.ResourceNotFoundException) as raised:
        COLLECTION_CALLS[operation](faces, "nowhere")
    assert raised.value.response["Error"]["Message"] == "The collection id: nowhere does not exist"


def test_unknown_user(faces):
    faces.create_collection(CollectionId="no-users")
    for call in (
        lambda: faces.delete_user(CollectionId="no-users", UserId="ghost"),
        lambda: faces.associate_faces(CollectionId="no-users", UserId="ghost", FaceIds=[UNKNOWN_FACE_ID]),
        lambda: faces.disassociate_faces(CollectionId="no-users", UserId="ghost", FaceIds=[UNKNOWN_FACE_ID]),
        lambda: faces.search_users(CollectionId="no-users", UserId="ghost"),
    ):
        with pytest.raises(faces.exceptions.ResourceNotFoundException) as raised:
            call()
        assert "ghost" in raised.value.response["Error"]["Message"]


def test_invalid_parameters(faces):
    faces.create_collection(CollectionId="params")

    def invalid(call, message):
        with pytest.raises(faces.exceptions.InvalidParameterException) as raised:
            call()
        assert raised.value.response["Error"]["Message"].startswith(message), raised.value.response["Error"]

    invalid(lambda: faces.search_faces_by_image(CollectionId="params", Image={"Bytes": GREY}), NO_FACES)
    invalid(lambda: faces.compare_faces(SourceImage={"Bytes": GREY}, TargetImage={"Bytes": GREY}), NO_FACES)
    invalid(lambda: faces.search_faces(CollectionId="params", FaceId=UNKNOWN_FACE_ID), "faceId was not found in the collection.")
    invalid(lambda: faces.search_users(CollectionId="params", UserId="u", FaceId=UNKNOWN_FACE_ID), INVALID_PARAMETERS)
    invalid(lambda: faces.search_users(CollectionId="params"), INVALID_PARAMETERS)
    invalid(lambda: faces.detect_faces(Image={"Bytes": png(79, 200)}), INVALID_PARAMETERS)
    invalid(lambda: faces.index_faces(CollectionId="params", Image={"Bytes": png(200, 79)}), INVALID_PARAMETERS)
    invalid(lambda: faces.detect_faces(Image={"Bytes": GREY, "S3Object": {"Bucket": "bucket", "Name": "a.png"}}), INVALID_PARAMETERS)
    invalid(lambda: faces.detect_faces(Image={}), INVALID_PARAMETERS)
    # 80 pixels is enough; without a face, IndexFaces and DetectFaces answer empty lists.
    assert faces.detect_faces(Image={"Bytes": png(80, 80)})["FaceDetails"] == []
    nothing = faces.index_faces(CollectionId="params", Image={"Bytes": GREY})
    assert (nothing["FaceRecords"], nothing["UnindexedFaces"]) == ([], [])
    assert counts(faces, "params") == (0, 0)


IMAGE_CALLS = {
    "IndexFaces": lambda c, image: c.index_faces(CollectionId="images", Image=image),
    "SearchFacesByImage": lambda c, image: c.search_faces_by_image(CollectionId="images", Image=image),
    "SearchUsersByImage": lambda c, image: c.search_users_by_image(CollectionId="images", Image=image),
    "DetectFaces": lambda c, image: c.detect_faces(Image=image),
    "CompareFaces(source)": lambda c, image: c.compare_faces(SourceImage=image, TargetImage={"Bytes": GREY}),
    "CompareFaces(target)": lambda c, image: c.compare_faces(SourceImage={"Bytes": GREY}, TargetImage=image),
}


@pytest.fixture(scope="module")
def image_collection(face_server):
    face_server.client().create_collection(CollectionId="images")


@pytest.mark.parametrize("operation", list(IMAGE_CALLS))
def test_image_errors(face_server, faces, image_collection, operation):
    call = IMAGE_CALLS[operation]

    def refused(image, kind, message):
        error = error_of(lambda: call(faces, image))
        assert (error["Code"], error["Message"]) == (kind, message)

    for garbage in (os.urandom(4096), b"GIF89a" + bytes(200) + b";"):
        refused({"Bytes": garbage}, "InvalidImageFormatException", INVALID_FORMAT)
    started = time.monotonic()
    refused(
        {"Bytes": png(20000, 20000, idat=zlib.compress(bytes(100)))},
        "ImageTooLargeException",
        "Input image dimensions 20000 x 20000 exceed maximum dimension size of 10000 pixels",
    )
    assert time.monotonic() - started < 2
    put_object(face_server.s3_root, "bucket", "grey.png", GREY)
    refused({"S3Object": {"Bucket": "bucket", "Name": "missing.png"}}, "InvalidS3ObjectException", S3_MISSING)
    refused({"S3Object": {"Bucket": "bucket", "Name": "grey.png", "Version": "v9"}}, "InvalidS3ObjectException", S3_MISSING)
    assert counts(faces, "images") == (0, 0)


def test_s3_objects_over_15_mb_are_refused(face_server, faces):
    path = pathlib.Path(face_server.s3_root) / "bucket" / "huge.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(GREY)
        f.truncate(15 * 1024 * 1024 + 1)
    with pytest.raises(faces.exceptions.InvalidS3ObjectException):
        faces.detect_faces(Image={"S3Object": {"Bucket": "bucket", "Name": "huge.png"}})


def test_validation_of_the_request_shape(faces):
    faces.create_collection(CollectionId="shapes")
    oversized = b"\x89PNG" + bytes(5 * 1024 * 1024 - 3)
    error = error_of(lambda: faces.detect_faces(Image={"Bytes": oversized}))
    assert error["Code"] == "ValidationException"
    assert error["Message"] == (
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=5242881 cap=5242881]' "
        "at 'image.bytes' failed to satisfy constraint: Member must have length less than or equal to 5242880"
    )
    # Exactly 5 MB passes the shape check and reaches the decoder.
    error = error_of(lambda: faces.detect_faces(Image={"Bytes": oversized[:-1]}))
    assert error["Code"] == "InvalidImageFormatException"
    error = error_of(lambda: faces.index_faces(CollectionId="shapes", Image={"Bytes": GREY}, ExternalImageId="has space"))
    assert error["Code"] == "ValidationException"
    assert error["Message"] == (
        "1 validation error detected: Value 'has space' at 'externalImageId' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: ^[a-zA-Z0-9_.\\-:]+$"
    )


def test_pagination_tokens(faces):
    for name in ("pages-a", "pages-b"):
        faces.create_collection(CollectionId=name)
    faces.create_user(CollectionId="pages-a", UserId="u1")
    faces.create_user(CollectionId="pages-a", UserId="u2")
    token = faces.list_users(CollectionId="pages-a", MaxResults=1)["NextToken"]
    for call in (
        lambda: faces.list_faces(CollectionId="pages-a", NextToken="garbage"),
        lambda: faces.list_users(CollectionId="pages-a", NextToken="garbage"),
        lambda: faces.list_users(CollectionId="pages-b", NextToken=token),
        lambda: faces.list_faces(CollectionId="pages-a", NextToken=token),
    ):
        with pytest.raises(faces.exceptions.InvalidPaginationTokenException):
            call()
    assert faces.list_users(CollectionId="pages-a", NextToken=token)["Users"] == [{"UserId": "u2", "UserStatus": "CREATED"}]


# The declared-results file: faces for made images, without the networks.

ANN_1 = png(200, 200, (120, 120, 120))
ANN_2 = png(240, 160, (200, 180, 160))
BOB = png(300, 300, (60, 60, 60))
CARA = png(180, 120, (30, 90, 150))

ANN_1_BOX = {"Width": 0.5, "Height": 0.625, "Left": 0.25, "Top": 0.125}
ANN_1_LANDMARKS = [
    {"Type": "eyeLeft", "X": 0.4, "Y": 0.35},
    {"Type": "eyeRight", "X": 0.6, "Y": 0.35},
    {"Type": "nose", "X": 0.5, "Y": 0.45},
    {"Type": "mouthLeft", "X": 0.42, "Y": 0.55},
    {"Type": "mouthRight", "X": 0.58, "Y": 0.55},
]
ANN_2_BOX = {"Width": 0.4, "Height": 0.6, "Left": 0.3, "Top": 0.2}
BOB_BOX = {"Width": 0.6, "Height": 0.6, "Left": 0.2, "Top": 0.2}
CARA_BOX = {"Width": 0.5, "Height": 0.75, "Left": 0.25, "Top": 0.125}


def sha256(data):
    return hashlib.sha256(data).hexdigest()


DECLARED_TOML = f"""
similarity = 96.5

[[images]]
sha256 = "{sha256(ANN_1)}"
[[images.faces]]
person = "ann"
box = {{ left = 0.25, top = 0.125, width = 0.5, height = 0.625 }}
confidence = 99.5
landmarks = {{ eye_left = [0.4, 0.35], eye_right = [0.6, 0.35], nose = [0.5, 0.45], mouth_left = [0.42, 0.55], mouth_right = [0.58, 0.55] }}
[images.faces.attributes]
age_range = [30, 38]
gender = "Female"
emotions = {{ HAPPY = 92.0, CALM = 6.0 }}
smile = true
quality = {{ brightness = 70.0, sharpness = 80.0 }}

[[images]]
sha256 = "{sha256(ANN_2)}"
[[images.faces]]
person = "ann"
box = {{ left = 0.3, top = 0.2, width = 0.4, height = 0.6 }}
attributes = {{ quality = {{ brightness = 60.0, sharpness = 70.0 }} }}

[[images]]
sha256 = "{sha256(BOB)}"
[[images.faces]]
person = "bob"
box = {{ left = 0.2, top = 0.2, width = 0.6, height = 0.6 }}
attributes = {{ quality = {{ brightness = 50.0, sharpness = 60.0 }} }}

[[images]]
s3 = "s3://declared/cara.png"
[[images.faces]]
person = "ann"
similarity = 91.0
box = {{ left = 0.25, top = 0.125, width = 0.5, height = 0.75 }}
attributes = {{ quality = {{ brightness = 55.0, sharpness = 65.0 }} }}
"""


@pytest.fixture
def declared_server(start_server, tmp_path):
    declared = tmp_path / "declared.toml"
    declared.write_text(DECLARED_TOML)
    put_object(tmp_path / "s3", "declared", "cara.png", CARA)
    return start_server("--declared-faces", str(declared))


def declared_round(client, collection):
    """The same calls on declared images, in a new collection."""
    client.create_collection(CollectionId=collection)
    answers = {
        "ann": client.index_faces(CollectionId=collection, Image={"Bytes": ANN_1}, DetectionAttributes=["ALL"]),
        "bob": client.index_faces(CollectionId=collection, Image={"Bytes": BOB}),
        "search": client.search_faces_by_image(CollectionId=collection, Image={"Bytes": ANN_2}),
        "detect": client.detect_faces(Image={"Bytes": ANN_2}, Attributes=["ALL"]),
        "compare": client.compare_faces(SourceImage={"Bytes": ANN_1}, TargetImage={"Bytes": BOB}),
    }
    answers["search by id"] = client.search_faces(
        CollectionId=collection, FaceId=answers["ann"]["FaceRecords"][0]["Face"]["FaceId"]
    )
    return answers


def test_declared_faces(declared_server):
    client = declared_server.client()
    [face] = client.detect_faces(Image={"Bytes": ANN_1})["FaceDetails"]
    assert face["BoundingBox"] == ANN_1_BOX
    assert face["Confidence"] == 99.5
    assert face["Landmarks"] == ANN_1_LANDMARKS
    assert face["Quality"] == {"Brightness": 70.0, "Sharpness": 80.0}
    assert abs(face["Pose"]["Yaw"]) < 1 and abs(face["Pose"]["Roll"]) < 1

    first = declared_round(client, "declared-1")
    [record] = first["ann"]["FaceRecords"]
    assert record["Face"]["BoundingBox"] == ANN_1_BOX
    detail = record["FaceDetail"]
    assert detail["AgeRange"] == {"Low": 30, "High": 38}
    assert detail["Gender"] == {"Value": "Female", "Confidence": 99.0}
    assert detail["Smile"] == {"Value": True, "Confidence": 99.0}
    assert detail["Emotions"][:2] == [{"Type": "HAPPY", "Confidence": 92.0}, {"Type": "CALM", "Confidence": 6.0}]
    assert {e["Type"] for e in detail["Emotions"]} == EMOTIONS
    assert len(first["bob"]["FaceRecords"]) == 1
    search = first["search"]
    assert search["SearchedFaceBoundingBox"] == ANN_2_BOX
    [match] = search["FaceMatches"]
    assert match["Similarity"] == 96.5
    assert match["Face"]["FaceId"] == record["Face"]["FaceId"]
    assert first["search by id"]["FaceMatches"] == []
    assert first["compare"]["FaceMatches"] == []
    assert [u["BoundingBox"] for u in first["compare"]["UnmatchedFaces"]] == [BOB_BOX]
    same = client.compare_faces(SourceImage={"Bytes": ANN_2}, TargetImage={"Bytes": ANN_1})
    assert [(m["Similarity"], m["Face"]["BoundingBox"]) for m in same["FaceMatches"]] == [(96.5, ANN_1_BOX)]

    second = declared_round(client, "declared-2")
    assert without_ids(second) == without_ids(first)

    # Declared by S3 URI: the object's name counts, not its bytes.
    cara = {"S3Object": {"Bucket": "declared", "Name": "cara.png"}}
    assert [f["BoundingBox"] for f in client.detect_faces(Image=cara)["FaceDetails"]] == [CARA_BOX]
    assert client.detect_faces(Image={"Bytes": CARA})["FaceDetails"] == []
    by_uri = client.search_faces_by_image(CollectionId="declared-1", Image=cara)
    assert [(m["Similarity"], m["Face"]["FaceId"]) for m in by_uri["FaceMatches"]] == [(91.0, record["Face"]["FaceId"])]


def test_declared_faces_from_json(start_server, tmp_path):
    declared = tmp_path / "declared.json"
    declared.write_text(json.dumps({
        "images": [{
            "sha256": sha256(BOB),
            "faces": [{"person": "bob", "box": {"left": 0.2, "top": 0.2, "width": 0.6, "height": 0.6}, "confidence": 98.0}],
        }],
    }))
    client = start_server("--declared-faces", str(declared)).client()
    [face] = client.detect_faces(Image={"Bytes": BOB})["FaceDetails"]
    assert (face["BoundingBox"], face["Confidence"]) == (BOB_BOX, 98.0)
    assert [m["Type"] for m in face["Landmarks"]] == DEFAULT_LANDMARKS


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("short.toml", '[[images]]\nsha256 = "12"\n', 'images[0]: sha256 must be 64 hexadecimal digits, not "12"'),
        ("both.toml", f'[[images]]\nsha256 = "{"0" * 64}"\ns3 = "s3://b/k"\n', "images[0]: give exactly one of sha256 and s3"),
        ("emotion.toml", DECLARED_TOML.replace("HAPPY", "GLEEFUL"), 'unknown emotion "GLEEFUL"'),
        ("field.json", json.dumps({"images": [{"sha256": "0" * 64, "faces": [{"person": "x", "box": {"left": 0, "top": 0, "width": 1}}]}]}), "missing field `height`"),
        ("broken.json", "{", "EOF while parsing"),
    ],
    ids=["sha256", "both-names", "emotion", "missing-field", "not-json"],
)
def test_malformed_declared_files_stop_the_start(tmp_path, name, text, message):
    declared = tmp_path / name
    declared.write_text(text)
    refused = subprocess.run(
        [server_binary(), "--listen", "127.0.0.1:0", "--in-memory", "--s3-root", str(tmp_path / "s3"), "--declared-faces", str(declared)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert refused.returncode != 0
    assert message in refused.stderr, refused.stderr
    assert str(declared) in refused.stderr
    assert "listening" not in refused.stdout


def test_quotas(start_server, tmp_path):
    declared = tmp_path / "declared.toml"
    declared.write_text(DECLARED_TOML)
    small = start_server("--declared-faces", str(declared), "--max-faces-per-collection", "1", "--max-users-per-collection", "1").client()
    small.create_collection(CollectionId="small")
    assert len(small.index_faces(CollectionId="small", Image={"Bytes": ANN_1})["FaceRecords"]) == 1
    with pytest.raises(small.exceptions.ServiceQuotaExceededException):
        small.index_faces(CollectionId="small", Image={"Bytes": ANN_2})
    small.create_user(CollectionId="small", UserId="u1")
    with pytest.raises(small.exceptions.ServiceQuotaExceededException):
        small.create_user(CollectionId="small", UserId="u2")
    assert counts(small, "small") == (1, 1)

    one_face = start_server("--declared-faces", str(declared), "--max-faces-per-user", "1").client()
    one_face.create_collection(CollectionId="per-user")
    ann = [
        one_face.index_faces(CollectionId="per-user", Image={"Bytes": image})["FaceRecords"][0]["Face"]["FaceId"]
        for image in (ANN_1, ANN_2)
    ]
    one_face.create_user(CollectionId="per-user", UserId="ann")
    assert one_face.associate_faces(CollectionId="per-user", UserId="ann", FaceIds=ann[:1])["AssociatedFaces"] == [{"FaceId": ann[0]}]
    with pytest.raises(one_face.exceptions.ServiceQuotaExceededException):
        one_face.associate_faces(CollectionId="per-user", UserId="ann", FaceIds=ann[1:])
    assert [f["FaceId"] for f in one_face.list_faces(CollectionId="per-user", UserId="ann")["Faces"]] == ann[:1]


STRICT_CREDENTIALS = """
[[credential]]
access_key_id = "AKIDVIEWER"
secret_access_key = "viewer-secret"
account_id = "111122223333"
user = "viewer"
allowed_actions = ["rekognition:CreateCollection", "rekognition:DetectFaces", "rekognition:DescribeCollection"]

[[credential]]
access_key_id = "AKIDFACES"
secret_access_key = "faces-secret"
account_id = "111122223333"
user = "faces"
allowed_actions = ["rekognition:*"]

[[credential]]
access_key_id = "AKIDREADER"
secret_access_key = "reader-secret"
account_id = "111122223333"
user = "reader"
allowed_actions = ["rekognition:*", "s3:GetObject"]
"""


def test_strict_mode_permissions(start_server, tmp_path):
    credentials = tmp_path / "credentials.toml"
    credentials.write_text(STRICT_CREDENTIALS)
    put_object(tmp_path / "s3", "bucket", "grey.png", GREY)
    server = start_server("--credentials-file", str(credentials))
    viewer = server.client(access_key="AKIDVIEWER", secret="viewer-secret")
    faces = server.client(access_key="AKIDFACES", secret="faces-secret")
    reader = server.client(access_key="AKIDREADER", secret="reader-secret")
    s3_image = {"S3Object": {"Bucket": "bucket", "Name": "grey.png"}}

    def denied(call, user, action):
        error = error_of(call)
        assert error["Code"] == "AccessDeniedException"
        assert error["Message"] == f"User: arn:aws:iam::111122223333:user/{user} is not authorized to perform: {action}"

    viewer.create_collection(CollectionId="guarded")
    denied(lambda: viewer.index_faces(CollectionId="guarded", Image={"Bytes": GREY}), "viewer", "rekognition:IndexFaces")
    assert viewer.detect_faces(Image={"Bytes": GREY})["FaceDetails"] == []
    # An S3 image needs s3:GetObject as well.
    denied(lambda: faces.detect_faces(Image=s3_image), "faces", "s3:GetObject")
    denied(lambda: faces.index_faces(CollectionId="guarded", Image=s3_image), "faces", "s3:GetObject")
    denied(lambda: faces.compare_faces(SourceImage={"Bytes": GREY}, TargetImage=s3_image), "faces", "s3:GetObject")
    assert faces.index_faces(CollectionId="guarded", Image={"Bytes": GREY})["FaceRecords"] == []
    assert reader.detect_faces(Image=s3_image)["FaceDetails"] == []
    assert reader.index_faces(CollectionId="guarded", Image=s3_image)["FaceRecords"] == []


# Hostile images.


def corrupt_frame_header(photo):
    jpeg = bytearray(photo("obama.jpg"))
    frame = segment_at(jpeg, 0xC0)
    jpeg[frame + 5:frame + 7] = b"\x00\x00"  # a height of zero
    return bytes(jpeg)


def without_huffman_tables(photo):
    jpeg = photo("obama.jpg")
    at = segment_at(jpeg, 0xC4)
    return jpeg[:at] + jpeg[at + 2 + struct.unpack(">H", jpeg[at + 2:at + 4])[0]:]


def truncated(data, share):
    return data[: int(len(data) * share)]


# Each case makes its image, from a photo when it needs one, and names the error it gets.
HOSTILE = {
    "corrupt-jpeg": (corrupt_frame_header, "InvalidImageFormatException"),
    "jpeg-without-huffman-tables": (without_huffman_tables, "InvalidImageFormatException"),
    "truncated-jpeg": (lambda photo: truncated(photo("obama.jpg"), 0.6), "InvalidImageFormatException"),
    "jpeg-header-only": (lambda photo: photo("obama.jpg")[:segment_at(photo("obama.jpg"), 0xDA) + 14], "InvalidImageFormatException"),
    "wrong-jpeg-magic": (lambda photo: b"\xff\xd9" + photo("obama.jpg")[2:], "InvalidImageFormatException"),
    "truncated-png": (lambda _: truncated(GREY, 0.5), "InvalidImageFormatException"),
    "png-rows-missing": (lambda _: png(100, 100, idat=zlib.compress((b"\x00" + bytes(300)) * 50)), "InvalidImageFormatException"),
    "bomb-9999x9999": (lambda _: png(9999, 9999, idat=zlib.compress(bytes(1000))), "InvalidImageFormatException"),
    "png-1x1": (lambda _: png(1, 1), "InvalidParameterException"),
    "png-20000x20000": (lambda _: png(20000, 20000, idat=zlib.compress(bytes(100))), "ImageTooLargeException"),
    "wrong-png-magic": (lambda _: b"\x88" + GREY[1:], "InvalidImageFormatException"),
    "bad-ihdr-checksum": (lambda _: GREY[:29] + bytes(4) + GREY[33:], "InvalidImageFormatException"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_images(request, face_server, faces, case):
    make, code = HOSTILE[case]
    image = make(lambda name: request.getfixturevalue("photos")[name])
    started = time.monotonic()
    assert error_of(lambda: faces.detect_faces(Image={"Bytes": image}))["Code"] == code
    assert time.monotonic() - started < 5
    # The server is still there, and still reads images.
    assert face_server.process.poll() is None
    assert faces.detect_faces(Image={"Bytes": png(120, 90)})["FaceDetails"] == []


def deflated_zeros(size):
    """`size` zero bytes deflated, without holding them."""
    deflate, block = zlib.compressobj(9), bytes(1 << 20)
    return b"".join(deflate.compress(block) for _ in range(size >> 20)) + deflate.flush()


def test_image_data_past_the_declared_size_is_ignored(face_server, faces):
    # 100 x 100 declared, 256 MB of zeros in IDAT: the declared rows are read, the rest is
    # not inflated into memory.
    bomb = png(100, 100, idat=deflated_zeros(256 << 20))
    started = time.monotonic()
    assert faces.detect_faces(Image={"Bytes": bomb})["FaceDetails"] == []
    assert time.monotonic() - started < 5
    assert face_server.process.poll() is None


@pytest.fixture(scope="module")
def obama_box(face_server, photos):
    [face] = face_server.client().detect_faces(Image={"Bytes": photos["obama.jpg"]})["FaceDetails"]
    return face["BoundingBox"]


@pytest.mark.parametrize(
    "tiff",
    [
        tiff_with_orientation(9),
        tiff_with_orientation(0),
        b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 5) + struct.pack("<HHIHH", 0x0112, 3, 1, 6, 0)[:7],
        b"II*\x00" + struct.pack("<I", 0xFFFFFFF0),
        b"XX*\x00garbage",
    ],
    ids=["orientation-9", "orientation-0", "truncated-directory", "directory-past-the-end", "not-tiff"],
)
def test_odd_exif_blocks_are_ignored(faces, photos, obama_box, tiff):
    [face] = faces.detect_faces(Image={"Bytes": with_exif(photos["obama.jpg"], tiff)})["FaceDetails"]
    assert face["BoundingBox"] == obama_box


def test_exif_orientation_is_applied(faces, photos, obama_box):
    # Orientation 6: the stored picture is shown turned a quarter clockwise, and boxes are
    # given in the upright picture.
    [face] = faces.detect_faces(Image={"Bytes": with_exif(photos["obama.jpg"], tiff_with_orientation(6))})["FaceDetails"]
    box = face["BoundingBox"]
    expected = {
        "Left": 1 - obama_box["Top"] - obama_box["Height"],
        "Top": obama_box["Left"],
        "Width": obama_box["Height"],
        "Height": obama_box["Width"],
    }
    for key, value in expected.items():
        assert box[key] == pytest.approx(value, abs=0.05), (key, box, expected)


# Durability and isolation.


def test_faces_and_users_survive_a_crash(start_server, tmp_path, photos):
    data = tmp_path / "data"
    first = start_server("--data-dir", str(data))
    client = first.client()
    client.create_collection(CollectionId="durable")
    obama = client.index_faces(CollectionId="durable", Image={"Bytes": photos["obama.jpg"]})["FaceRecords"][0]["Face"]["FaceId"]
    biden = client.index_faces(CollectionId="durable", Image={"Bytes": photos["biden.jpg"]})["FaceRecords"][0]["Face"]["FaceId"]
    client.create_user(CollectionId="durable", UserId="barack", ClientRequestToken="create-barack")
    client.associate_faces(CollectionId="durable", UserId="barack", FaceIds=[obama])
    before = client.list_faces(CollectionId="durable")["Faces"]
    assert not any("ExternalImageId" in f for f in before)

    first.stop(signal.SIGKILL)
    second = start_server("--data-dir", str(data))
    client = second.client()
    assert client.list_faces(CollectionId="durable")["Faces"] == before
    assert {f["FaceId"]: f.get("UserId") for f in before} == {obama: "barack", biden: None}
    assert counts(client, "durable") == (2, 1)
    assert client.list_users(CollectionId="durable")["Users"] == [{"UserId": "barack", "UserStatus": "ACTIVE"}]
    found = client.search_faces_by_image(CollectionId="durable", Image={"Bytes": photos["obama2.jpg"]})
    assert [m["Face"]["FaceId"] for m in found["FaceMatches"]] == [obama]
    assert found["FaceMatches"][0]["Similarity"] >= 90
    assert found["FaceMatches"][0]["Face"]["UserId"] == "barack"
    users = client.search_users_by_image(CollectionId="durable", Image={"Bytes": photos["obama2.jpg"]})
    assert [m["User"]["UserId"] for m in users["UserMatches"]] == ["barack"]
    # The request token is remembered too.
    assert body(client.create_user(CollectionId="durable", UserId="barack", ClientRequestToken="create-barack")) == {}
    with pytest.raises(client.exceptions.IdempotentParameterMismatchException):
        client.create_user(CollectionId="durable", UserId="other", ClientRequestToken="create-barack")


def test_accounts_and_regions_are_isolated(face_server, photos):
    mine = face_server.client()
    mine.create_collection(CollectionId="shared-name")
    face_id = mine.index_faces(CollectionId="shared-name", Image={"Bytes": photos["obama.jpg"]})["FaceRecords"][0]["Face"]["FaceId"]
    mine.create_user(CollectionId="shared-name", UserId="barack")
    for other in (face_server.client(access_key="AKIDOTHER"), face_server.client(region="eu-west-1")):
        with pytest.raises(other.exceptions.ResourceNotFoundException):
            other.list_faces(CollectionId="shared-name")
        with pytest.raises(other.exceptions.ResourceNotFoundException):
            other.search_faces_by_image(CollectionId="shared-name", Image={"Bytes": GREY})
        other.create_collection(CollectionId="shared-name")
        assert counts(other, "shared-name") == (0, 0)
        assert other.list_faces(CollectionId="shared-name")["Faces"] == []
        assert other.list_users(CollectionId="shared-name")["Users"] == []
        assert other.search_faces_by_image(CollectionId="shared-name", Image={"Bytes": photos["obama2.jpg"]})["FaceMatches"] == []
        with pytest.raises(other.exceptions.InvalidParameterException):
            other.search_faces(CollectionId="shared-name", FaceId=face_id)
        deleted = other.delete_faces(CollectionId="shared-name", FaceIds=[face_id])
        assert deleted["UnsuccessfulFaceDeletions"] == [{"FaceId": face_id, "Reasons": ["FACE_NOT_FOUND"]}]
        with pytest.raises(other.exceptions.ResourceNotFoundException):
            other.associate_faces(CollectionId="shared-name", UserId="barack", FaceIds=[face_id])
    assert [f["FaceId"] for f in mine.list_faces(CollectionId="shared-name")["Faces"]] == [face_id]
    assert counts(mine, "shared-name") == (1, 1)


# The AWS CLI.


def test_aws_cli(face_server, photos):
    folder = photos["folder"]
    put_object(face_server.s3_root, "cli", "biden.jpg", photos["biden.jpg"])

    def cli(*args):
        result = aws_cli(face_server, *args)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout) if result.stdout.strip() else {}

    def together(*calls):
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(calls)) as pool:
            return list(pool.map(lambda args: cli(*args), calls))

    assert cli("create-collection", "--collection-id", "cli-faces")["StatusCode"] == 200
    from_file, from_s3 = together(
        ("index-faces", "--collection-id", "cli-faces", "--image-bytes", f"fileb://{folder / 'obama.jpg'}",
         "--external-image-id", "obama-cli"),
        ("index-faces", "--collection-id", "cli-faces", "--image", "S3Object={Bucket=cli,Name=biden.jpg}",
         "--external-image-id", "biden-cli"),
    )
    obama = from_file["FaceRecords"][0]["Face"]["FaceId"]
    biden = from_s3["FaceRecords"][0]["Face"]["FaceId"]
    assert from_file["FaceModelVersion"] == "7.0"
    listed, found, compared, detected, _ = together(
        ("list-faces", "--collection-id", "cli-faces"),
        ("search-faces-by-image", "--collection-id", "cli-faces", "--image-bytes", f"fileb://{folder / 'obama2.jpg'}"),
        ("compare-faces", "--source-image-bytes", f"fileb://{folder / 'obama.jpg'}",
         "--target-image-bytes", f"fileb://{folder / 'biden.jpg'}"),
        ("detect-faces", "--image-bytes", f"fileb://{folder / 'obama.jpg'}", "--attributes", "ALL"),
        ("create-user", "--collection-id", "cli-faces", "--user-id", "barack"),
    )
    assert [f["FaceId"] for f in listed["Faces"]] == sorted([obama, biden])
    assert {f["ExternalImageId"] for f in listed["Faces"]} == {"obama-cli", "biden-cli"}
    assert [m["Face"]["FaceId"] for m in found["FaceMatches"]] == [obama]
    assert found["FaceMatches"][0]["Similarity"] >= 90
    assert compared["FaceMatches"] == [] and len(compared["UnmatchedFaces"]) == 1
    assert [m["Type"] for m in detected["FaceDetails"][0]["Landmarks"]] == ALL_LANDMARKS
    associated = cli("associate-faces", "--collection-id", "cli-faces", "--user-id", "barack", "--face-ids", obama)
    assert associated["AssociatedFaces"] == [{"FaceId": obama}]
    assert associated["UserStatus"] == "UPDATING"
    users = cli("search-users-by-image", "--collection-id", "cli-faces", "--image-bytes", f"fileb://{folder / '32bit.png'}")
    assert [m["User"]["UserId"] for m in users["UserMatches"]] == ["barack"]
    assert cli("delete-collection", "--collection-id", "cli-faces")["StatusCode"] == 200
    missing = aws_cli(face_server, "list-faces", "--collection-id", "cli-faces")
    assert missing.returncode != 0
    assert "ResourceNotFoundException" in missing.stderr
    assert "The collection id: cli-faces does not exist" in missing.stderr


def test_rate_limits_apply_to_face_operations(start_server):
    # An account past --rate-limit gets ProvisionedThroughputExceededException, as for every
    # operation (README, Reliability).
    server = start_server("--rate-limit", "0.01", "--rate-burst", "1")
    client = server.client()
    client.detect_faces(Image={"Bytes": GREY})
    for call in (
        lambda: client.detect_faces(Image={"Bytes": GREY}),
        lambda: client.search_faces_by_image(CollectionId="c", Image={"Bytes": GREY}),
        lambda: client.create_user(CollectionId="c", UserId="u"),
    ):
        assert error_of(call)["Code"] == "ProvisionedThroughputExceededException"
