"""The reference server as boto3 sees it: every operation, every reachable modeled error, each
class of constraint violation, pagination, persistence, concurrency and datasets."""

import concurrent.futures
import json
import os
import subprocess

import botocore.exceptions
import pytest


def error_of(call):
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call()
    return raised.value.response["Error"]


def test_collection_lifecycle(client):
    created = client.create_collection(CollectionId="photos", Tags={"team": "vision"})
    assert created["StatusCode"] == 200
    assert created["CollectionArn"] == "aws:rekognition:us-east-1:123456789012:collection/photos"
    assert created["FaceModelVersion"] == "7.0"
    assert created["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
    listed = client.list_collections()
    assert listed["CollectionIds"] == ["photos"]
    assert listed["FaceModelVersions"] == ["7.0"]
    assert "NextToken" not in listed
    assert client.delete_collection(CollectionId="photos")["StatusCode"] == 200
    assert client.list_collections()["CollectionIds"] == []


def test_modeled_errors(client):
    client.create_collection(CollectionId="dup")
    with pytest.raises(client.exceptions.ResourceAlreadyExistsException) as raised:
        client.create_collection(CollectionId="dup")
    assert raised.value.response["Error"]["Message"] == "The collection id: dup already exists"
    with pytest.raises(client.exceptions.ResourceNotFoundException) as raised:
        client.delete_collection(CollectionId="missing")
    assert raised.value.response["Error"]["Message"] == "The collection id: missing does not exist"
    with pytest.raises(client.exceptions.InvalidPaginationTokenException):
        client.list_collections(NextToken="garbage")


@pytest.mark.parametrize(
    "call, expected",
    [
        (lambda c: c.create_collection(CollectionId="bad id!"),
         "Value 'bad id!' at 'collectionId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_.\\-]+$"),
        (lambda c: c.create_collection(CollectionId="x" * 256),
         "at 'collectionId' failed to satisfy constraint: Member must have length less than or equal to 255"),
        (lambda c: c.list_collections(MaxResults=4097),
         "Value '4097' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 4096"),
        (lambda c: c.create_collection(CollectionId="c", Tags={"aws:x": "y"}),
         "at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern"),
        (lambda c: c.create_dataset(ProjectArn="arn:aws:rekognition:us-east-1:123456789012:project/demo/1", DatasetType="VALIDATE"),
         "Value 'VALIDATE' at 'datasetType' failed to satisfy constraint: Member must satisfy enum value set: [TRAIN, TEST]"),
    ],
    ids=["pattern", "max-length", "max-range", "map-key", "enum"],
)
def test_constraint_violations(client, call, expected):
    error = error_of(lambda: call(client))
    assert error["Code"] == "ValidationException"
    assert expected in error["Message"], error["Message"]


def test_all_violations_in_one_message(client):
    error = error_of(lambda: client.create_collection(CollectionId="bad id!" + "x" * 300, Tags={"aws:x": "y"}))
    assert error["Message"].startswith("3 validation errors detected: ")


def test_pagination_with_the_paginator(client):
    for i in range(53):
        client.create_collection(CollectionId=f"c{i:03}")
    pages = list(client.get_paginator("list_collections").paginate(PaginationConfig={"PageSize": 10}))
    ids = [cid for page in pages for cid in page["CollectionIds"]]
    assert len(pages) == 6
    assert ids == [f"c{i:03}" for i in range(53)]


def test_accounts_regions_and_their_tokens_are_isolated(server):
    mine = server.client()
    for i in range(3):
        mine.create_collection(CollectionId=f"m{i}")
    token = mine.list_collections(MaxResults=1)["NextToken"]
    for other in (server.client(region="eu-west-1"), server.client(access_key="AKIDOTHER")):
        assert other.list_collections()["CollectionIds"] == []
        with pytest.raises(other.exceptions.InvalidPaginationTokenException):
            other.list_collections(NextToken=token)
        with pytest.raises(other.exceptions.ResourceNotFoundException):
            other.delete_collection(CollectionId="m0")
    arn = server.client(access_key="AKIDOTHER").create_collection(CollectionId="m0")["CollectionArn"]
    assert arn == "aws:rekognition:us-east-1:210987654321:collection/m0"
    assert mine.list_collections(NextToken=token)["CollectionIds"] == ["m1", "m2"]


def test_concurrent_duplicate_creates(client):
    def attempt(_):
        try:
            client.create_collection(CollectionId="contested")
            return "created"
        except client.exceptions.ResourceAlreadyExistsException:
            return "exists"

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(attempt, range(16)))
    assert outcomes.count("created") == 1
    assert outcomes.count("exists") == 15


def test_restart_keeps_data(start_server, tmp_path):
    data = tmp_path / "data"
    first = start_server("--data-dir", str(data), "--project", "demo")
    client = first.client()
    for name in ("a", "b"):
        client.create_collection(CollectionId=name)
    project = first.projects["demo"]
    first.stop()
    second = start_server("--data-dir", str(data), "--project", "demo")
    assert second.projects["demo"] == project
    assert second.client().list_collections()["CollectionIds"] == ["a", "b"]


def test_datasets(server, client, tmp_path):
    manifests = tmp_path / "s3" / "bucket"
    manifests.mkdir(parents=True)
    (manifests / "train.manifest").write_text(
        '{"source-ref": "s3://bucket/a.jpg", "label": 1}\n{"source-ref": "s3://bucket/b.jpg", "label": 0}\n'
    )
    project = server.projects["demo"]
    train = client.create_dataset(
        ProjectArn=project,
        DatasetType="TRAIN",
        DatasetSource={"GroundTruthManifest": {"S3Object": {"Bucket": "bucket", "Name": "train.manifest"}}},
    )["DatasetArn"]
    assert train.startswith("arn:aws:rekognition:us-east-1:123456789012:project/demo/dataset/train/")
    test = client.create_dataset(ProjectArn=project, DatasetType="TEST", DatasetSource={"DatasetArn": train})["DatasetArn"]
    assert "/dataset/test/" in test
    with pytest.raises(client.exceptions.ResourceAlreadyExistsException):
        client.create_dataset(ProjectArn=project, DatasetType="TEST")
    with pytest.raises(client.exceptions.InvalidS3ObjectException):
        client.create_dataset(
            ProjectArn=project,
            DatasetType="TRAIN",
            DatasetSource={"GroundTruthManifest": {"S3Object": {"Bucket": "bucket", "Name": "missing.manifest"}}},
        )
    with pytest.raises(client.exceptions.InvalidParameterException):
        client.create_dataset(
            ProjectArn=project,
            DatasetType="TRAIN",
            DatasetSource={"DatasetArn": train, "GroundTruthManifest": {"S3Object": {"Bucket": "bucket", "Name": "train.manifest"}}},
        )
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.create_dataset(ProjectArn="arn:aws:rekognition:us-east-1:123456789012:project/nope/1", DatasetType="TRAIN")


def aws_cli(server, *args):
    environment = dict(
        os.environ,
        AWS_ACCESS_KEY_ID="AKIDTEST",
        AWS_SECRET_ACCESS_KEY="secret",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_PAGER="",
    )
    return subprocess.run(
        ["aws", "rekognition", *args, "--endpoint-url", server.url, "--output", "json"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


def test_aws_cli(server):
    created = aws_cli(server, "create-collection", "--collection-id", "from-cli")
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["CollectionArn"].endswith(":collection/from-cli")
    listed = aws_cli(server, "list-collections")
    assert json.loads(listed.stdout)["CollectionIds"] == ["from-cli"]
    duplicate = aws_cli(server, "create-collection", "--collection-id", "from-cli")
    assert duplicate.returncode != 0
    assert "ResourceAlreadyExistsException" in duplicate.stderr
    assert "The collection id: from-cli already exists" in duplicate.stderr
    invalid = aws_cli(server, "create-collection", "--collection-id", "bad id!")
    assert "ValidationException" in invalid.stderr


CREDENTIALS = """
[[credential]]
access_key_id = "AKIDALICE"
secret_access_key = "alice-secret"
account_id = "111122223333"
user = "alice"
allowed_actions = ["rekognition:*"]

[[credential]]
access_key_id = "AKIDREADER"
secret_access_key = "reader-secret"
account_id = "111122223333"
user = "reader"
allowed_actions = ["rekognition:List*"]
"""


@pytest.fixture
def strict_server(start_server, tmp_path):
    credentials = tmp_path / "credentials.toml"
    credentials.write_text(CREDENTIALS)
    return start_server("--credentials-file", str(credentials))


def test_strict_mode_verifies_boto3_signatures(strict_server):
    alice = strict_server.client(access_key="AKIDALICE", secret="alice-secret")
    alice.create_collection(CollectionId="signed")
    assert alice.list_collections()["CollectionIds"] == ["signed"]
    wrong_secret = strict_server.client(access_key="AKIDALICE", secret="not-it")
    error = error_of(wrong_secret.list_collections)
    assert error["Code"] == "InvalidSignatureException"
    assert error["Message"].startswith("The request signature we calculated does not match")
    assert error_of(strict_server.client(access_key="AKIDNOBODY").list_collections)["Code"] == "UnrecognizedClientException"
    reader = strict_server.client(access_key="AKIDREADER", secret="reader-secret")
    assert reader.list_collections()["CollectionIds"] == ["signed"]
    denied = error_of(lambda: reader.delete_collection(CollectionId="signed"))
    assert denied["Code"] == "AccessDeniedException"
    assert denied["Message"] == (
        "User: arn:aws:iam::111122223333:user/reader is not authorized to perform: rekognition:DeleteCollection"
    )


def test_strict_mode_verifies_aws_cli_signatures(strict_server):
    def cli(secret, *args):
        environment = dict(
            os.environ,
            AWS_ACCESS_KEY_ID="AKIDALICE",
            AWS_SECRET_ACCESS_KEY=secret,
            AWS_DEFAULT_REGION="eu-west-1",
            AWS_PAGER="",
        )
        return subprocess.run(
            ["aws", "rekognition", *args, "--endpoint-url", strict_server.url, "--output", "json"],
            capture_output=True,
            text=True,
            env=environment,
            timeout=60,
        )

    created = cli("alice-secret", "create-collection", "--collection-id", "cli-signed")
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["CollectionArn"] == "aws:rekognition:eu-west-1:111122223333:collection/cli-signed"
    refused = cli("wrong", "list-collections")
    assert refused.returncode != 0
    assert "InvalidSignatureException" in refused.stderr
