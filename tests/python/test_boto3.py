"""The reference server as boto3 sees it: every operation, every reachable modeled error, each
class of constraint violation, pagination, persistence, concurrency, the Custom Labels workflow
(projects, datasets, their entries and labels), tags, the AWS CLI and start-up checks."""

import concurrent.futures
import contextlib
import datetime
import errno
import json
import os
import pathlib
import re
import signal
import subprocess
import time

import botocore.exceptions
import pytest

from conftest import server_binary, wait_until


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
        (lambda c: c.describe_projects(MaxResults=101),
         "Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100"),
        (lambda c: c.describe_projects(ProjectNames=[f"p{i}" for i in range(11)]),
         "at 'projectNames' failed to satisfy constraint: Member must have length less than or equal to 10"),
        (lambda c: c.list_dataset_entries(DatasetArn="arn:aws:rekognition:us-east-1:123456789012:project/p/dataset/train/1", SourceRefContains=" "),
         "Value ' ' at 'sourceRefContains' failed to satisfy constraint: Member must satisfy regular expression pattern: \\S"),
    ],
    ids=["pattern", "max-length", "max-range", "map-key", "enum", "page-size", "list-length", "unanchored-pattern"],
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


def wait_until_created(client, dataset_arn, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        status = client.describe_dataset(DatasetArn=dataset_arn)["DatasetDescription"]["Status"]
        if status != "CREATE_IN_PROGRESS" or time.monotonic() > deadline:
            assert status == "CREATE_COMPLETE", status
            return
        time.sleep(0.05)


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
    # A dataset is copied once its import is complete, as AWS requires; the import runs in the
    # background, so a loaded machine may take a moment.
    wait_until_created(client, train)
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

[[credential]]
access_key_id = "AKIDBUILDER"
secret_access_key = "builder-secret"
account_id = "111122223333"
user = "builder"
allowed_actions = ["rekognition:Create*", "rekognition:Describe*", "rekognition:Delete*"]
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


# Custom Labels: projects, datasets from Ground Truth manifests, their entries and labels.

PROJECT_ARN = r"arn:aws:rekognition:us-east-1:123456789012:project/{name}/\d{{13}}"
DATASET_ARN = r"arn:aws:rekognition:us-east-1:123456789012:project/{name}/dataset/{kind}/\d{{13}}"


def classified(image, label, bucket="bucket", kind="groundtruth/image-classification"):
    """A manifest line giving `image` the image-level label `label`."""
    return {
        "source-ref": f"s3://{bucket}/images/{image}",
        "animal": 1,
        "animal-metadata": {
            "class-name": label,
            "confidence": 0.95,
            "human-annotated": "yes",
            "creation-date": "2023-07-01T10:00:00.000",
            "type": kind,
            "job-name": "labeling-job/animals",
        },
    }


def boxed(image, boxes):
    """A manifest line with one bounding box per (class id, label) in `boxes`."""
    return {
        "source-ref": f"s3://bucket/images/{image}",
        "boxes": {
            "image_size": [{"width": 640, "height": 480, "depth": 3}],
            "annotations": [
                {"class_id": class_id, "top": 10 + 50 * i, "left": 20 + 60 * i, "width": 40, "height": 30}
                for i, (class_id, _) in enumerate(boxes)
            ],
        },
        "boxes-metadata": {
            "objects": [{"confidence": 0.9} for _ in boxes],
            "class-map": {str(class_id): label for class_id, label in boxes},
            "type": "groundtruth/object-detection",
            "human-annotated": "yes",
            "creation-date": "2023-07-01T10:00:00.000",
            "job-name": "labeling-job/boxes",
        },
    }


# Six images: three classified, one with boxes (two cats, one dog), one unlabeled, and one whose
# label attribute has an unsupported type (an entry with errors, not labeled).
TRAIN_LINES = [
    classified("cat1.jpg", "cat"),
    classified("cat2.jpg", "cat"),
    classified("dog1.jpg", "dog"),
    boxed("park.jpg", [(0, "cat"), (1, "dog"), (0, "cat")]),
    {"source-ref": "s3://bucket/images/unlabeled.jpg"},
    classified("bad.jpg", "cat", kind="groundtruth/semantic-segmentation"),
]


def image(name):
    return f"s3://bucket/images/{name}"


def stored(line, labeled):
    """A valid manifest line as ListDatasetEntries returns it: compact, with `cl-metadata` last."""
    return json.dumps({**line, "cl-metadata": {"is_labeled": labeled}}, separators=(",", ":"))


def write_manifest(s3_root, name, lines, bucket="bucket"):
    """Writes `lines` as a manifest under the server's --s3-root; the DatasetSource naming it."""
    folder = s3_root / bucket
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("".join(json.dumps(line) + "\n" for line in lines))
    return {"GroundTruthManifest": {"S3Object": {"Bucket": bucket, "Name": name}}}


def wait_for_dataset(client, dataset_arn, status, timeout=10):
    """Polls DescribeDataset until the dataset leaves CREATE_IN_PROGRESS; its description, which
    must have `status`."""
    deadline = time.monotonic() + timeout
    while True:
        description = client.describe_dataset(DatasetArn=dataset_arn)["DatasetDescription"]
        if description["Status"] != "CREATE_IN_PROGRESS" or time.monotonic() > deadline:
            assert description["Status"] == status, description
            return description
        time.sleep(0.05)


def millis(timestamp):
    return round(timestamp.timestamp() * 1000)


def created_millis(arn):
    return int(arn.rsplit("/", 1)[1])


def stats(client, dataset_arn):
    return client.describe_dataset(DatasetArn=dataset_arn)["DatasetDescription"]["DatasetStats"]


def counts(labeled, total, labels, errors):
    return {"LabeledEntries": labeled, "TotalEntries": total, "TotalLabels": labels, "ErrorEntries": errors}


def entries(client, dataset_arn, **filters):
    """Every entry of the dataset (one page), parsed."""
    listed = client.list_dataset_entries(DatasetArn=dataset_arn, **filters)
    assert "NextToken" not in listed
    return [json.loads(entry) for entry in listed["DatasetEntries"]]


def refs(client, dataset_arn, **filters):
    return [entry["source-ref"] for entry in entries(client, dataset_arn, **filters)]


def project(client, name):
    """The description of the project `name`, or None."""
    found = client.describe_projects(ProjectNames=[name])["ProjectDescriptions"]
    assert len(found) <= 1
    return found[0] if found else None


def test_custom_labels_workflow(client, tmp_path):
    source = write_manifest(tmp_path / "s3", "train.manifest", TRAIN_LINES)
    project_arn = client.create_project(ProjectName="animals")["ProjectArn"]
    assert re.fullmatch(PROJECT_ARN.format(name="animals"), project_arn), project_arn
    described = project(client, "animals")
    assert described["ProjectArn"] == project_arn
    assert described["Status"] == "CREATED"
    assert described["Feature"] == "CUSTOM_LABELS"
    assert described["Datasets"] == []
    assert "AutoUpdate" not in described
    assert millis(described["CreationTimestamp"]) == created_millis(project_arn)

    # The training dataset, imported in the background from the manifest.
    train = client.create_dataset(ProjectArn=project_arn, DatasetType="TRAIN", DatasetSource=source)["DatasetArn"]
    assert re.fullmatch(DATASET_ARN.format(name="animals", kind="train"), train), train
    description = wait_for_dataset(client, train, "CREATE_COMPLETE")
    assert description["StatusMessage"] == "The dataset was successfully created from the manifest file."
    assert description["StatusMessageCode"] == "SUCCESS"
    assert description["DatasetStats"] == counts(labeled=4, total=6, labels=2, errors=1)
    assert millis(description["CreationTimestamp"]) == created_millis(train)
    assert description["LastUpdatedTimestamp"] >= description["CreationTimestamp"]
    assert project(client, "animals")["Datasets"] == [
        {
            "CreationTimestamp": description["CreationTimestamp"],
            "DatasetType": "TRAIN",
            "DatasetArn": train,
            "Status": "CREATE_COMPLETE",
            "StatusMessage": "The dataset was successfully created from the manifest file.",
            "StatusMessageCode": "SUCCESS",
        }
    ]

    # Entries: the input lines in order, compact, with the service's cl-metadata and cl-errors.
    listed = client.list_dataset_entries(DatasetArn=train)["DatasetEntries"]
    assert listed[:5] == [stored(line, labeled) for line, labeled in zip(TRAIN_LINES, [True] * 4 + [False])]
    bad = json.loads(listed[5])
    assert list(bad) == ["source-ref", "animal", "animal-metadata", "cl-errors", "cl-metadata"]
    assert bad["cl-errors"] == [{"code": "ERROR_NO_VALID_LABEL_ATTRIBUTES", "message": "No valid label attributes found."}]
    assert bad["animal-metadata"]["cl-errors"] == [
        {
            "code": "ERROR_UNSUPPORTED_USE_CASE_TYPE",
            "message": "The use case type of the animal-metadata label attribute metadata is unsupported. Check the type field.",
        }
    ]
    assert bad["cl-metadata"] == {"is_labeled": False}
    everything = [image(n) for n in ("cat1.jpg", "cat2.jpg", "dog1.jpg", "park.jpg", "unlabeled.jpg", "bad.jpg")]
    assert refs(client, train) == everything
    assert refs(client, train, ContainsLabels=["dog"]) == [image("dog1.jpg"), image("park.jpg")]
    assert refs(client, train, ContainsLabels=["cat", "dog"]) == everything[:4]
    assert refs(client, train, ContainsLabels=["bird"]) == []
    assert refs(client, train, Labeled=True) == everything[:4]
    assert refs(client, train, Labeled=False) == [image("unlabeled.jpg"), image("bad.jpg")]
    assert refs(client, train, SourceRefContains="park") == [image("park.jpg")]
    assert refs(client, train, SourceRefContains="s3://bucket/images/") == everything
    assert refs(client, train, HasErrors=True) == [image("bad.jpg")]
    assert refs(client, train, HasErrors=False) == everything[:5]
    assert refs(client, train, ContainsLabels=["cat"], Labeled=True, SourceRefContains="cat") == everything[:2]

    paginator = client.get_paginator("list_dataset_entries")
    pages = list(paginator.paginate(DatasetArn=train, PaginationConfig={"PageSize": 2}))
    assert [len(page["DatasetEntries"]) for page in pages] == [2, 2, 2]
    assert "NextToken" not in pages[-1]
    assert [entry for page in pages for entry in page["DatasetEntries"]] == listed
    pages = list(paginator.paginate(DatasetArn=train, Labeled=True, PaginationConfig={"PageSize": 3}))
    assert [len(page["DatasetEntries"]) for page in pages] == [3, 1]
    assert [json.loads(e)["source-ref"] for page in pages for e in page["DatasetEntries"]] == everything[:4]

    cat = {"LabelName": "cat", "LabelStats": {"EntryCount": 3, "BoundingBoxCount": 1}}
    dog = {"LabelName": "dog", "LabelStats": {"EntryCount": 2, "BoundingBoxCount": 1}}
    labels = client.list_dataset_labels(DatasetArn=train)
    assert labels["DatasetLabelDescriptions"] == [cat, dog]
    assert "NextToken" not in labels
    pages = list(client.get_paginator("list_dataset_labels").paginate(DatasetArn=train, PaginationConfig={"PageSize": 1}))
    assert [page["DatasetLabelDescriptions"] for page in pages] == [[cat], [dog]]

    # An update replaces the entry of a known source-ref in place and adds the others.
    before = client.describe_dataset(DatasetArn=train)["DatasetDescription"]
    changes = [classified("unlabeled.jpg", "bird"), classified("new.jpg", "bird")]
    client.update_dataset_entries(
        DatasetArn=train, Changes={"GroundTruth": "".join(json.dumps(c) + "\n" for c in changes).encode()}
    )
    description = client.describe_dataset(DatasetArn=train)["DatasetDescription"]
    assert description["Status"] == "UPDATE_COMPLETE"
    assert description["StatusMessageCode"] == "SUCCESS"
    assert description["DatasetStats"] == counts(labeled=6, total=7, labels=3, errors=1)
    assert description["CreationTimestamp"] == before["CreationTimestamp"]
    assert description["LastUpdatedTimestamp"] >= before["LastUpdatedTimestamp"]
    updated = everything + [image("new.jpg")]
    assert refs(client, train) == updated
    assert entries(client, train, SourceRefContains="unlabeled") == [json.loads(stored(changes[0], True))]
    bird = {"LabelName": "bird", "LabelStats": {"EntryCount": 2}}
    assert client.list_dataset_labels(DatasetArn=train)["DatasetLabelDescriptions"] == [bird, cat, dog]

    # An update that would put images in two buckets fails as a whole; the entries stay.
    client.update_dataset_entries(
        DatasetArn=train, Changes={"GroundTruth": json.dumps(classified("x.jpg", "cat", bucket="elsewhere")).encode()}
    )
    description = client.describe_dataset(DatasetArn=train)["DatasetDescription"]
    assert description["Status"] == "UPDATE_FAILED"
    assert description["StatusMessage"] == "The manifest file contains images from multiple S3 buckets."
    assert description["StatusMessageCode"] == "CLIENT_ERROR"
    assert description["DatasetStats"] == counts(labeled=6, total=7, labels=3, errors=1)
    assert refs(client, train) == updated

    # An empty test dataset, then a fifth of the training entries (every fifth) moved into it.
    test = client.create_dataset(ProjectArn=project_arn, DatasetType="TEST")["DatasetArn"]
    assert re.fullmatch(DATASET_ARN.format(name="animals", kind="test"), test), test
    description = client.describe_dataset(DatasetArn=test)["DatasetDescription"]
    assert description["Status"] == "CREATE_COMPLETE"
    assert description["StatusMessageCode"] == "SUCCESS"
    assert description["DatasetStats"] == counts(0, 0, 0, 0)
    assert client.list_dataset_entries(DatasetArn=test)["DatasetEntries"] == []
    assert client.list_dataset_labels(DatasetArn=test)["DatasetLabelDescriptions"] == []

    assert client.distribute_dataset_entries(Datasets=[{"Arn": train}, {"Arn": test}])["ResponseMetadata"]["HTTPStatusCode"] == 200
    for dataset_arn in (train, test):
        description = client.describe_dataset(DatasetArn=dataset_arn)["DatasetDescription"]
        assert description["Status"] == "UPDATE_COMPLETE"
        assert description["StatusMessageCode"] == "SUCCESS"
    assert stats(client, train) == counts(labeled=5, total=6, labels=3, errors=1)
    assert stats(client, test) == counts(labeled=1, total=1, labels=1, errors=0)
    assert refs(client, test) == [image("unlabeled.jpg")]
    assert refs(client, train) == [ref for ref in updated if ref != image("unlabeled.jpg")]
    assert client.list_dataset_labels(DatasetArn=test)["DatasetLabelDescriptions"] == [
        {"LabelName": "bird", "LabelStats": {"EntryCount": 1}}
    ]
    datasets = project(client, "animals")["Datasets"]
    assert [(d["DatasetType"], d["DatasetArn"], d["Status"]) for d in datasets] == [
        ("TRAIN", train, "UPDATE_COMPLETE"),
        ("TEST", test, "UPDATE_COMPLETE"),
    ]

    # Deleting: the datasets first, then the project.
    with pytest.raises(client.exceptions.ResourceInUseException):
        client.delete_project(ProjectArn=project_arn)
    for dataset_arn in (test, train):
        client.delete_dataset(DatasetArn=dataset_arn)
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.describe_dataset(DatasetArn=dataset_arn)
    assert project(client, "animals")["Datasets"] == []
    assert client.delete_project(ProjectArn=project_arn)["Status"] == "DELETING"
    assert project(client, "animals") is None
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_project(ProjectArn=project_arn)


def test_describe_projects_filters_and_pages(client):
    # The `server` fixture provisions "demo".
    arns = {"demo": project(client, "demo")["ProjectArn"]}
    for name in ("p1", "p2", "p3"):
        arns[name] = client.create_project(ProjectName=name)["ProjectArn"]
    arns["adapter"] = client.create_project(ProjectName="adapter", Feature="CONTENT_MODERATION", AutoUpdate="ENABLED")["ProjectArn"]

    def names(**query):
        described = client.describe_projects(**query)
        assert "NextToken" not in described
        return [d["ProjectArn"].split("/")[1] for d in described["ProjectDescriptions"]]

    # Without Features, Custom Labels projects only, in creation order.
    assert names() == ["demo", "p1", "p2", "p3"]
    assert names(Features=["CUSTOM_LABELS"]) == ["demo", "p1", "p2", "p3"]
    assert names(Features=["CUSTOM_LABELS", "CONTENT_MODERATION"]) == ["demo", "p1", "p2", "p3", "adapter"]
    adapter = client.describe_projects(Features=["CONTENT_MODERATION"])["ProjectDescriptions"]
    assert len(adapter) == 1
    assert adapter[0]["ProjectArn"] == arns["adapter"]
    assert adapter[0]["Feature"] == "CONTENT_MODERATION"
    assert adapter[0]["AutoUpdate"] == "ENABLED"
    assert names(ProjectNames=["p3", "p1", "missing"]) == ["p1", "p3"]
    assert names(ProjectNames=["adapter"]) == []
    assert names(ProjectNames=["adapter", "p2"], Features=["CONTENT_MODERATION", "CUSTOM_LABELS"]) == ["p2", "adapter"]
    assert names(ProjectNames=["missing"]) == []

    first = client.describe_projects(MaxResults=3)
    assert [d["ProjectArn"] for d in first["ProjectDescriptions"]] == [arns["demo"], arns["p1"], arns["p2"]]
    rest = client.describe_projects(MaxResults=3, NextToken=first["NextToken"])
    assert [d["ProjectArn"] for d in rest["ProjectDescriptions"]] == [arns["p3"]]
    assert "NextToken" not in rest
    pages = list(client.get_paginator("describe_projects").paginate(PaginationConfig={"PageSize": 1}))
    described = [d for page in pages for d in page["ProjectDescriptions"]]
    assert len(pages) == 4
    assert [d["ProjectArn"] for d in described] == [arns[n] for n in ("demo", "p1", "p2", "p3")]
    created = [d["CreationTimestamp"] for d in described]
    assert created == sorted(created)
    assert all(d["Status"] == "CREATED" and d["Datasets"] == [] for d in described)


def test_describe_collection(client):
    client.create_collection(CollectionId="described")
    described = client.describe_collection(CollectionId="described")
    assert described["CollectionARN"] == "arn:aws:rekognition:us-east-1:123456789012:collection/described"
    assert described["FaceCount"] == 0
    assert described["UserCount"] == 0
    assert described["FaceModelVersion"] == "7.0"
    assert isinstance(described["CreationTimestamp"], datetime.datetime)
    age = datetime.datetime.now(datetime.timezone.utc) - described["CreationTimestamp"]
    assert datetime.timedelta(seconds=-5) < age < datetime.timedelta(minutes=1)
    with pytest.raises(client.exceptions.ResourceNotFoundException) as raised:
        client.describe_collection(CollectionId="missing")
    assert raised.value.response["Error"]["Message"] == "The collection id: missing does not exist"


def test_tags_round_trip(client):
    client.create_collection(CollectionId="tagged", Tags={"team": "vision"})
    collection_arn = client.describe_collection(CollectionId="tagged")["CollectionARN"]
    project_arn = client.create_project(ProjectName="tagged", Tags={"cost-center": "42"})["ProjectArn"]
    dataset_arn = client.create_dataset(ProjectArn=project_arn, DatasetType="TRAIN", Tags={"split": "train"})["DatasetArn"]
    created = {collection_arn: {"team": "vision"}, project_arn: {"cost-center": "42"}, dataset_arn: {"split": "train"}}
    for arn, tags in created.items():
        assert client.list_tags_for_resource(ResourceArn=arn)["Tags"] == tags
        client.tag_resource(ResourceArn=arn, Tags={"env": "test", "owner": "a@example.com"})
        assert client.list_tags_for_resource(ResourceArn=arn)["Tags"] == {**tags, "env": "test", "owner": "a@example.com"}
        client.tag_resource(ResourceArn=arn, Tags={"env": "prod"})
        assert client.list_tags_for_resource(ResourceArn=arn)["Tags"] == {**tags, "env": "prod", "owner": "a@example.com"}
        client.untag_resource(ResourceArn=arn, TagKeys=[*tags, "owner", "never-set"])
        assert client.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"env": "prod"}
        client.untag_resource(ResourceArn=arn, TagKeys=["env"])
        assert client.list_tags_for_resource(ResourceArn=arn)["Tags"] == {}
    # Tags go with their resource: a new collection of the same id starts without any.
    client.tag_resource(ResourceArn=collection_arn, Tags={"old": "yes"})
    client.delete_collection(CollectionId="tagged")
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.list_tags_for_resource(ResourceArn=collection_arn)
    client.create_collection(CollectionId="tagged")
    assert client.list_tags_for_resource(ResourceArn=collection_arn)["Tags"] == {}


def test_too_many_tags(client):
    client.create_collection(CollectionId="crowded")
    arn = client.describe_collection(CollectionId="crowded")["CollectionARN"]
    client.tag_resource(ResourceArn=arn, Tags={f"k{i:03}": "v" for i in range(150)})
    with pytest.raises(client.exceptions.ServiceQuotaExceededException):
        client.tag_resource(ResourceArn=arn, Tags={f"k{i:03}": "v" for i in range(150, 201)})
    # The refused call changed nothing; replacing values does not count against the limit.
    tags = client.list_tags_for_resource(ResourceArn=arn)["Tags"]
    assert tags == {f"k{i:03}": "v" for i in range(150)}
    client.tag_resource(ResourceArn=arn, Tags={f"k{i:03}": "w" for i in range(100, 200)})
    assert len(client.list_tags_for_resource(ResourceArn=arn)["Tags"]) == 200
    with pytest.raises(client.exceptions.ServiceQuotaExceededException):
        client.tag_resource(ResourceArn=arn, Tags={"one-more": "v"})
    client.untag_resource(ResourceArn=arn, TagKeys=["k000"])
    client.tag_resource(ResourceArn=arn, Tags={"one-more": "v"})
    assert len(client.list_tags_for_resource(ResourceArn=arn)["Tags"]) == 200


def test_project_errors(client):
    project_arn = client.create_project(ProjectName="taken")["ProjectArn"]
    with pytest.raises(client.exceptions.ResourceInUseException):
        client.create_project(ProjectName="taken")
    dataset_arn = client.create_dataset(ProjectArn=project_arn, DatasetType="TEST")["DatasetArn"]
    with pytest.raises(client.exceptions.ResourceInUseException):
        client.delete_project(ProjectArn=project_arn)
    assert project(client, "taken")["ProjectArn"] == project_arn
    client.delete_dataset(DatasetArn=dataset_arn)
    client.delete_project(ProjectArn=project_arn)
    # The name is free again, for a project with a new ARN.
    again = client.create_project(ProjectName="taken")["ProjectArn"]
    assert re.fullmatch(PROJECT_ARN.format(name="taken"), again)


def test_unknown_resources_are_not_found(client):
    project_arn = "arn:aws:rekognition:us-east-1:123456789012:project/nothing/1690405809285"
    dataset_arn = "arn:aws:rekognition:us-east-1:123456789012:project/nothing/dataset/train/1690476084535"
    other_dataset = "arn:aws:rekognition:us-east-1:123456789012:project/nothing/dataset/test/1690476084536"
    collection_arn = "arn:aws:rekognition:us-east-1:123456789012:collection/nothing"
    calls = [
        lambda: client.describe_collection(CollectionId="nothing"),
        lambda: client.delete_project(ProjectArn=project_arn),
        lambda: client.create_dataset(ProjectArn=project_arn, DatasetType="TRAIN"),
        lambda: client.describe_dataset(DatasetArn=dataset_arn),
        lambda: client.list_dataset_entries(DatasetArn=dataset_arn),
        lambda: client.list_dataset_labels(DatasetArn=dataset_arn),
        lambda: client.update_dataset_entries(DatasetArn=dataset_arn, Changes={"GroundTruth": b'{"source-ref":"s3://b/i.jpg"}'}),
        lambda: client.distribute_dataset_entries(Datasets=[{"Arn": dataset_arn}, {"Arn": other_dataset}]),
        lambda: client.delete_dataset(DatasetArn=dataset_arn),
    ]
    for arn in (collection_arn, project_arn, dataset_arn):
        calls += [
            lambda arn=arn: client.tag_resource(ResourceArn=arn, Tags={"k": "v"}),
            lambda arn=arn: client.untag_resource(ResourceArn=arn, TagKeys=["k"]),
            lambda arn=arn: client.list_tags_for_resource(ResourceArn=arn),
        ]
    for call in calls:
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            call()


def test_failed_datasets_are_not_ready(client, tmp_path):
    # A manifest whose images are in two buckets cannot become a dataset.
    source = write_manifest(tmp_path / "s3", "split.manifest", [classified("a.jpg", "cat"), classified("b.jpg", "cat", bucket="other")])
    project_arn = client.create_project(ProjectName="failing")["ProjectArn"]
    train = client.create_dataset(ProjectArn=project_arn, DatasetType="TRAIN", DatasetSource=source)["DatasetArn"]
    description = wait_for_dataset(client, train, "CREATE_FAILED")
    assert description["StatusMessage"] == "The manifest file contains images from multiple S3 buckets."
    assert description["StatusMessageCode"] == "CLIENT_ERROR"
    assert description["DatasetStats"] == counts(0, 0, 0, 0)
    test = client.create_dataset(ProjectArn=project_arn, DatasetType="TEST")["DatasetArn"]
    with pytest.raises(client.exceptions.ResourceNotReadyException):
        client.list_dataset_entries(DatasetArn=train)
    with pytest.raises(client.exceptions.ResourceNotReadyException):
        client.list_dataset_labels(DatasetArn=train)
    with pytest.raises(client.exceptions.ResourceNotReadyException):
        client.distribute_dataset_entries(Datasets=[{"Arn": train}, {"Arn": test}])
    with pytest.raises(client.exceptions.ResourceInUseException):
        client.update_dataset_entries(DatasetArn=train, Changes={"GroundTruth": json.dumps(classified("a.jpg", "cat")).encode()})
    # A failed dataset can be deleted and made again.
    client.delete_dataset(DatasetArn=train)
    source = write_manifest(tmp_path / "s3", "fixed.manifest", [classified("a.jpg", "cat")])
    train = client.create_dataset(ProjectArn=project_arn, DatasetType="TRAIN", DatasetSource=source)["DatasetArn"]
    assert wait_for_dataset(client, train, "CREATE_COMPLETE")["DatasetStats"] == counts(1, 1, 1, 0)


def server_threads_waiting_for_a_writer(server):
    """How many of the server's threads are blocked opening a named pipe for reading (Linux)."""
    waiting = 0
    for task in pathlib.Path(f"/proc/{server.process.pid}/task").iterdir():
        try:
            waiting += (task / "wchan").read_text().strip() == "wait_for_partner"
        except OSError:
            pass
    return waiting


@contextlib.contextmanager
def held_import(server, client, s3_root, project_arn, name="held.manifest"):
    """Creates a TRAIN dataset whose manifest import stays in progress until the block ends.

    The manifest is a named pipe. CreateDataset opens it to check that it exists, which waits
    for a writer: once the server waits there, a second pipe takes the manifest's name and the
    first gets its writer, so the check passes and the background import opens the second pipe,
    where it waits, CREATE_IN_PROGRESS, until the block ends and gives it a writer. The import
    then reads an empty manifest and the dataset becomes CREATE_FAILED.
    """
    if not pathlib.Path(f"/proc/{server.process.pid}/task").is_dir() or not hasattr(os, "mkfifo"):
        pytest.skip("needs named pipes and /proc")
    folder = s3_root / "bucket"
    folder.mkdir(parents=True, exist_ok=True)
    manifest, checked, imported = folder / name, folder / f"{name}.checked", folder / f"{name}.imported"
    os.mkfifo(checked)
    os.mkfifo(imported)
    os.link(checked, manifest)

    def give_writer(pipe):
        deadline = time.monotonic() + 10
        while True:
            try:
                os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
                return
            except OSError as error:
                # ENXIO: no reader yet.
                if error.errno != errno.ENXIO or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    source = {"GroundTruthManifest": {"S3Object": {"Bucket": "bucket", "Name": name}}}
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        created = pool.submit(client.create_dataset, ProjectArn=project_arn, DatasetType="TRAIN", DatasetSource=source)
        assert wait_until(lambda: server_threads_waiting_for_a_writer(server) == 1 or created.done())
        os.replace(imported, manifest)
        give_writer(checked)
        dataset_arn = created.result(timeout=10)["DatasetArn"]
    assert wait_until(lambda: server_threads_waiting_for_a_writer(server) == 1)
    try:
        yield dataset_arn
    finally:
        give_writer(manifest)


def test_dataset_being_created_cannot_change(server, client, tmp_path):
    project_arn = client.create_project(ProjectName="importing")["ProjectArn"]
    with held_import(server, client, tmp_path / "s3", project_arn) as train:
        description = client.describe_dataset(DatasetArn=train)["DatasetDescription"]
        assert description["Status"] == "CREATE_IN_PROGRESS"
        assert "StatusMessageCode" not in description
        assert project(client, "importing")["Datasets"][0]["Status"] == "CREATE_IN_PROGRESS"
        with pytest.raises(client.exceptions.ResourceInUseException):
            client.delete_dataset(DatasetArn=train)
        with pytest.raises(client.exceptions.ResourceInUseException):
            client.update_dataset_entries(DatasetArn=train, Changes={"GroundTruth": json.dumps(classified("a.jpg", "cat")).encode()})
        with pytest.raises(client.exceptions.ResourceNotReadyException):
            client.list_dataset_entries(DatasetArn=train)
        with pytest.raises(client.exceptions.ResourceNotReadyException):
            client.list_dataset_labels(DatasetArn=train)
        with pytest.raises(client.exceptions.ResourceInUseException):
            client.delete_project(ProjectArn=project_arn)
    # Nothing could be read from the pipe.
    description = wait_for_dataset(client, train, "CREATE_FAILED")
    assert description["StatusMessage"] in (
        "The manifest file is empty.",
        "The manifest file extension or contents are invalid.",
    )
    assert description["StatusMessageCode"] == "CLIENT_ERROR"
    client.delete_dataset(DatasetArn=train)
    client.delete_project(ProjectArn=project_arn)


def test_invalid_parameters(client, tmp_path):
    source = write_manifest(tmp_path / "s3", "five.manifest", [classified(f"{i}.jpg", "cat") for i in range(5)])
    first = client.create_project(ProjectName="first")["ProjectArn"]
    second = client.create_project(ProjectName="second")["ProjectArn"]
    with pytest.raises(client.exceptions.InvalidParameterException):
        client.create_dataset(ProjectArn=first, DatasetType="TRAIN", DatasetSource={})
    train = client.create_dataset(ProjectArn=first, DatasetType="TRAIN", DatasetSource=source)["DatasetArn"]
    other_train = client.create_dataset(ProjectArn=second, DatasetType="TRAIN", DatasetSource=source)["DatasetArn"]
    other_test = client.create_dataset(ProjectArn=second, DatasetType="TEST")["DatasetArn"]
    for dataset_arn in (train, other_train):
        wait_for_dataset(client, dataset_arn, "CREATE_COMPLETE")
    with pytest.raises(client.exceptions.InvalidParameterException):
        client.distribute_dataset_entries(Datasets=[{"Arn": train}, {"Arn": other_train}])
    with pytest.raises(client.exceptions.InvalidParameterException):
        client.distribute_dataset_entries(Datasets=[{"Arn": train}, {"Arn": other_test}])
    # The test dataset must be empty: once distributed, it is not.
    client.distribute_dataset_entries(Datasets=[{"Arn": other_test}, {"Arn": other_train}])
    assert stats(client, other_test)["TotalEntries"] == 1
    with pytest.raises(client.exceptions.InvalidParameterException):
        client.distribute_dataset_entries(Datasets=[{"Arn": other_train}, {"Arn": other_test}])
    for arn in ("arn:aws:s3:::manifests-bucket", "arn:aws:rekognition:us-east-1:123456789012:streamprocessor/cameras"):
        with pytest.raises(client.exceptions.InvalidParameterException):
            client.tag_resource(ResourceArn=arn, Tags={"k": "v"})
        with pytest.raises(client.exceptions.InvalidParameterException):
            client.list_tags_for_resource(ResourceArn=arn)


def test_distributing_too_few_entries_fails_both_datasets(client, tmp_path):
    source = write_manifest(tmp_path / "s3", "four.manifest", [classified(f"{i}.jpg", "cat") for i in range(4)])
    project_arn = client.create_project(ProjectName="small")["ProjectArn"]
    train = client.create_dataset(ProjectArn=project_arn, DatasetType="TRAIN", DatasetSource=source)["DatasetArn"]
    wait_for_dataset(client, train, "CREATE_COMPLETE")
    test = client.create_dataset(ProjectArn=project_arn, DatasetType="TEST")["DatasetArn"]
    client.distribute_dataset_entries(Datasets=[{"Arn": train}, {"Arn": test}])
    for dataset_arn in (train, test):
        description = client.describe_dataset(DatasetArn=dataset_arn)["DatasetDescription"]
        assert description["Status"] == "UPDATE_FAILED"
        assert description["StatusMessage"] == "The manifest file doesn't have enough labeled images to distribute the dataset."
        assert description["StatusMessageCode"] == "CLIENT_ERROR"
    assert stats(client, train) == counts(4, 4, 1, 0)
    assert stats(client, test) == counts(0, 0, 0, 0)


def test_pagination_tokens_belong_to_their_listing(server, client, tmp_path):
    source = write_manifest(tmp_path / "s3", "three.manifest", [classified(f"{i}.jpg", f"label{i}") for i in range(3)])
    client.create_project(ProjectName="another")
    project_arn = client.create_project(ProjectName="paged")["ProjectArn"]
    train = client.create_dataset(ProjectArn=project_arn, DatasetType="TRAIN", DatasetSource=source)["DatasetArn"]
    wait_for_dataset(client, train, "CREATE_COMPLETE")
    test = client.create_dataset(ProjectArn=project_arn, DatasetType="TEST", DatasetSource={"DatasetArn": train})["DatasetArn"]
    client.create_collection(CollectionId="one")
    client.create_collection(CollectionId="two")
    tokens = {
        "projects": client.describe_projects(MaxResults=1)["NextToken"],
        "entries": client.list_dataset_entries(DatasetArn=train, MaxResults=1)["NextToken"],
        "labels": client.list_dataset_labels(DatasetArn=train, MaxResults=1)["NextToken"],
        "collections": client.list_collections(MaxResults=1)["NextToken"],
    }
    listings = {
        "projects": lambda token: client.describe_projects(MaxResults=1, NextToken=token),
        "entries": lambda token: client.list_dataset_entries(DatasetArn=train, MaxResults=1, NextToken=token),
        "labels": lambda token: client.list_dataset_labels(DatasetArn=train, MaxResults=1, NextToken=token),
        "collections": lambda token: client.list_collections(MaxResults=1, NextToken=token),
    }
    for name, listing in listings.items():
        listing(tokens[name])
        for other, token in tokens.items():
            if other != name:
                with pytest.raises(client.exceptions.InvalidPaginationTokenException):
                    listing(token)
        with pytest.raises(client.exceptions.InvalidPaginationTokenException):
            listing("garbage")
    # A token pages one dataset: not another one, though it holds the same entries.
    with pytest.raises(client.exceptions.InvalidPaginationTokenException):
        client.list_dataset_entries(DatasetArn=test, NextToken=tokens["entries"])
    with pytest.raises(client.exceptions.InvalidPaginationTokenException):
        client.list_dataset_labels(DatasetArn=test, NextToken=tokens["labels"])
    # The other account's and region's listings refuse it too.
    for other in (server.client(region="eu-west-1"), server.client(access_key="AKIDOTHER")):
        with pytest.raises(other.exceptions.InvalidPaginationTokenException):
            other.describe_projects(NextToken=tokens["projects"])


def test_project_limit(start_server):
    server = start_server("--max-projects", "1")
    client = server.client()
    first = client.create_project(ProjectName="only")["ProjectArn"]
    with pytest.raises(client.exceptions.LimitExceededException):
        client.create_project(ProjectName="second")
    with pytest.raises(client.exceptions.LimitExceededException):
        client.create_project(ProjectName="adapter", Feature="CONTENT_MODERATION", AutoUpdate="DISABLED")
    assert project(client, "second") is None
    # The limit is per account and Region.
    server.client(region="eu-west-1").create_project(ProjectName="second")
    server.client(access_key="AKIDOTHER").create_project(ProjectName="second")
    client.delete_project(ProjectArn=first)
    client.create_project(ProjectName="second")


def test_strict_mode_requires_the_extra_permissions(strict_server):
    builder = strict_server.client(access_key="AKIDBUILDER", secret="builder-secret")
    alice = strict_server.client(access_key="AKIDALICE", secret="alice-secret")

    def denied(call, action):
        error = error_of(call)
        assert error["Code"] == "AccessDeniedException"
        assert error["Message"] == (
            f"User: arn:aws:iam::111122223333:user/builder is not authorized to perform: rekognition:{action}"
        )

    # Tags at creation need rekognition:TagResource as well.
    denied(lambda: builder.create_project(ProjectName="tagged", Tags={"team": "vision"}), "TagResource")
    assert project(builder, "tagged") is None
    denied(lambda: builder.create_collection(CollectionId="tagged", Tags={"team": "vision"}), "TagResource")
    project_arn = builder.create_project(ProjectName="untagged", Tags={})["ProjectArn"]
    assert project_arn.startswith("arn:aws:rekognition:us-east-1:111122223333:project/untagged/")
    train = builder.create_dataset(ProjectArn=project_arn, DatasetType="TRAIN")["DatasetArn"]
    denied(lambda: builder.create_dataset(ProjectArn=project_arn, DatasetType="TEST", Tags={"split": "test"}), "TagResource")
    # Copying a dataset needs rekognition:ListDatasetEntries as well.
    denied(lambda: builder.create_dataset(ProjectArn=project_arn, DatasetType="TEST", DatasetSource={"DatasetArn": train}), "ListDatasetEntries")
    assert [d["DatasetType"] for d in project(builder, "untagged")["Datasets"]] == ["TRAIN"]
    denied(lambda: builder.tag_resource(ResourceArn=project_arn, Tags={"k": "v"}), "TagResource")
    denied(lambda: builder.list_tags_for_resource(ResourceArn=project_arn), "ListTagsForResource")
    # With every permission, the same calls succeed.
    test = alice.create_dataset(ProjectArn=project_arn, DatasetType="TEST", DatasetSource={"DatasetArn": train}, Tags={"split": "test"})["DatasetArn"]
    assert alice.list_tags_for_resource(ResourceArn=test)["Tags"] == {"split": "test"}
    alice.create_project(ProjectName="tagged", Tags={"team": "vision"})
    reader = strict_server.client(access_key="AKIDREADER", secret="reader-secret")
    assert reader.list_dataset_entries(DatasetArn=train)["DatasetEntries"] == []
    error = error_of(lambda: reader.describe_projects())
    assert error["Code"] == "AccessDeniedException"


def snapshot(client, project_name, collection_id):
    """Everything a client can read about one project (with its datasets) and one collection."""
    described = project(client, project_name)
    state = {"project": described, "collection": client.describe_collection(CollectionId=collection_id)}
    arns = [described["ProjectArn"], state["collection"]["CollectionARN"]]
    for dataset in described["Datasets"]:
        arn = dataset["DatasetArn"]
        arns.append(arn)
        state[arn] = {
            "description": client.describe_dataset(DatasetArn=arn)["DatasetDescription"],
            "entries": client.list_dataset_entries(DatasetArn=arn)["DatasetEntries"],
            "labels": client.list_dataset_labels(DatasetArn=arn)["DatasetLabelDescriptions"],
        }
    state["tags"] = {arn: client.list_tags_for_resource(ResourceArn=arn)["Tags"] for arn in arns}
    state["collection"].pop("ResponseMetadata")
    return state


def test_acknowledged_custom_labels_writes_survive_a_crash(start_server, tmp_path):
    data = tmp_path / "data"
    first = start_server("--data-dir", str(data))
    client = first.client()
    client.create_collection(CollectionId="faces", Tags={"team": "vision"})
    collection_arn = client.describe_collection(CollectionId="faces")["CollectionARN"]
    client.tag_resource(ResourceArn=collection_arn, Tags={"env": "test"})
    client.untag_resource(ResourceArn=collection_arn, TagKeys=["team"])
    project_arn = client.create_project(ProjectName="durable", Tags={"team": "vision"})["ProjectArn"]
    client.tag_resource(ResourceArn=project_arn, Tags={"stage": "beta"})
    gone = client.create_project(ProjectName="gone")["ProjectArn"]
    client.create_dataset(ProjectArn=gone, DatasetType="TEST")
    client.delete_dataset(DatasetArn=project(client, "gone")["Datasets"][0]["DatasetArn"])
    client.delete_project(ProjectArn=gone)
    source = write_manifest(tmp_path / "s3", "train.manifest", TRAIN_LINES)
    train = client.create_dataset(ProjectArn=project_arn, DatasetType="TRAIN", DatasetSource=source, Tags={"split": "train"})["DatasetArn"]
    wait_for_dataset(client, train, "CREATE_COMPLETE")
    changes = [classified("unlabeled.jpg", "bird"), classified("new.jpg", "bird")]
    client.update_dataset_entries(DatasetArn=train, Changes={"GroundTruth": "\n".join(json.dumps(c) for c in changes).encode()})
    test = client.create_dataset(ProjectArn=project_arn, DatasetType="TEST")["DatasetArn"]
    client.distribute_dataset_entries(Datasets=[{"Arn": train}, {"Arn": test}])
    client.tag_resource(ResourceArn=test, Tags={"split": "test"})
    before = snapshot(client, "durable", "faces")
    assert before[train]["description"]["DatasetStats"] == counts(labeled=5, total=6, labels=3, errors=1)
    assert before[test]["description"]["DatasetStats"] == counts(labeled=1, total=1, labels=1, errors=0)
    assert before["tags"] == {
        collection_arn: {"env": "test"},
        project_arn: {"team": "vision", "stage": "beta"},
        train: {"split": "train"},
        test: {"split": "test"},
    }
    token = client.list_dataset_entries(DatasetArn=train, MaxResults=2)["NextToken"]

    first.stop(signal.SIGKILL)
    second = start_server("--data-dir", str(data))
    client = second.client()
    assert snapshot(client, "durable", "faces") == before
    assert project(client, "gone") is None
    resumed = client.list_dataset_entries(DatasetArn=train, MaxResults=2, NextToken=token)["DatasetEntries"]
    assert resumed == before[train]["entries"][2:4]


def test_an_import_interrupted_by_a_crash_resumes(start_server, tmp_path):
    data = tmp_path / "data"
    first = start_server("--data-dir", str(data))
    client = first.client()
    project_arn = client.create_project(ProjectName="resumed")["ProjectArn"]
    with held_import(first, client, tmp_path / "s3", project_arn, name="train.manifest") as train:
        assert client.describe_dataset(DatasetArn=train)["DatasetDescription"]["Status"] == "CREATE_IN_PROGRESS"
        first.stop(signal.SIGKILL)
        # The manifest the restarted server finds is an ordinary file.
        (tmp_path / "s3" / "bucket" / "train.manifest").unlink()
        write_manifest(tmp_path / "s3", "train.manifest", TRAIN_LINES)
    second = start_server("--data-dir", str(data))
    client = second.client()
    description = wait_for_dataset(client, train, "CREATE_COMPLETE")
    assert description["DatasetStats"] == counts(labeled=4, total=6, labels=2, errors=1)
    assert len(client.list_dataset_entries(DatasetArn=train)["DatasetEntries"]) == 6


def test_projects_datasets_and_tags_are_isolated(server, client, tmp_path):
    source = write_manifest(tmp_path / "s3", "train.manifest", TRAIN_LINES)
    project_arn = client.create_project(ProjectName="private", Tags={"team": "vision"})["ProjectArn"]
    train = client.create_dataset(ProjectArn=project_arn, DatasetType="TRAIN", DatasetSource=source)["DatasetArn"]
    wait_for_dataset(client, train, "CREATE_COMPLETE")
    test = client.create_dataset(ProjectArn=project_arn, DatasetType="TEST")["DatasetArn"]
    client.create_collection(CollectionId="private")
    collection_arn = client.describe_collection(CollectionId="private")["CollectionARN"]
    for other, region, account in (
        (server.client(region="eu-west-1"), "eu-west-1", "123456789012"),
        (server.client(access_key="AKIDOTHER"), "us-east-1", "210987654321"),
    ):
        assert other.describe_projects()["ProjectDescriptions"] == []
        assert other.describe_projects(ProjectNames=["private"])["ProjectDescriptions"] == []
        calls = [
            lambda: other.delete_project(ProjectArn=project_arn),
            lambda: other.create_dataset(ProjectArn=project_arn, DatasetType="TEST"),
            lambda: other.describe_dataset(DatasetArn=train),
            lambda: other.list_dataset_entries(DatasetArn=train),
            lambda: other.list_dataset_labels(DatasetArn=train),
            lambda: other.update_dataset_entries(DatasetArn=train, Changes={"GroundTruth": json.dumps(TRAIN_LINES[0]).encode()}),
            lambda: other.distribute_dataset_entries(Datasets=[{"Arn": train}, {"Arn": test}]),
            lambda: other.delete_dataset(DatasetArn=test),
            lambda: other.describe_collection(CollectionId="private"),
        ]
        for arn in (project_arn, train, collection_arn):
            calls += [
                lambda arn=arn: other.list_tags_for_resource(ResourceArn=arn),
                lambda arn=arn: other.tag_resource(ResourceArn=arn, Tags={"k": "v"}),
                lambda arn=arn: other.untag_resource(ResourceArn=arn, TagKeys=["team"]),
            ]
        for call in calls:
            with pytest.raises(other.exceptions.ResourceNotFoundException):
                call()
        # The same name is free there, for a project of that account and Region.
        theirs = other.create_project(ProjectName="private", Tags={"owner": "them"})["ProjectArn"]
        assert re.fullmatch(rf"arn:aws:rekognition:{region}:{account}:project/private/\d{{13}}", theirs), theirs
        assert other.list_tags_for_resource(ResourceArn=theirs)["Tags"] == {"owner": "them"}
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.list_tags_for_resource(ResourceArn=theirs)
    # Nothing of ours changed.
    assert client.list_tags_for_resource(ResourceArn=project_arn)["Tags"] == {"team": "vision"}
    assert stats(client, train) == counts(labeled=4, total=6, labels=2, errors=1)
    assert [d["DatasetArn"] for d in project(client, "private")["Datasets"]] == [train, test]


def test_aws_cli_custom_labels_workflow(server, tmp_path):
    def cli(*args):
        ran = aws_cli(server, *args)
        assert ran.returncode == 0, ran.stderr
        return json.loads(ran.stdout) if ran.stdout.strip() else {}

    def together(*calls):
        """Runs independent CLI calls at once (each CLI start takes about a second)."""
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(calls)) as pool:
            return list(pool.map(lambda args: cli(*args), calls))

    write_manifest(tmp_path / "s3", "train.manifest", TRAIN_LINES)
    project_arn = cli("create-project", "--project-name", "from-cli", "--tags", "team=vision")["ProjectArn"]
    assert re.fullmatch(PROJECT_ARN.format(name="from-cli"), project_arn)
    train = cli(
        "create-dataset", "--project-arn", project_arn, "--dataset-type", "TRAIN",
        "--dataset-source", "GroundTruthManifest={S3Object={Bucket=bucket,Name=train.manifest}}",
    )["DatasetArn"]
    deadline = time.monotonic() + 10
    while (description := cli("describe-dataset", "--dataset-arn", train)["DatasetDescription"])["Status"] == "CREATE_IN_PROGRESS":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert description["Status"] == "CREATE_COMPLETE"
    assert description["DatasetStats"] == counts(labeled=4, total=6, labels=2, errors=1)
    # The CLI follows NextToken itself: pages of two give the whole listing.
    everything, dogs, labels = together(
        ("list-dataset-entries", "--dataset-arn", train, "--page-size", "2"),
        ("list-dataset-entries", "--dataset-arn", train, "--contains-labels", "dog", "--labeled"),
        ("list-dataset-labels", "--dataset-arn", train),
    )
    assert [json.loads(e)["source-ref"] for e in everything["DatasetEntries"]] == [
        image(n) for n in ("cat1.jpg", "cat2.jpg", "dog1.jpg", "park.jpg", "unlabeled.jpg", "bad.jpg")
    ]
    assert [json.loads(e)["source-ref"] for e in dogs["DatasetEntries"]] == [image("dog1.jpg"), image("park.jpg")]
    assert [label["LabelName"] for label in labels["DatasetLabelDescriptions"]] == ["cat", "dog"]
    # AWS CLI v1 takes a blob member of a shorthand argument as text, and sends its bytes
    # base64-encoded (it does not read `fileb://` there).
    line = json.dumps(classified("unlabeled.jpg", "bird"), separators=(",", ":"))
    cli("update-dataset-entries", "--dataset-arn", train, "--changes", f"GroundTruth='{line}'")
    description = cli("describe-dataset", "--dataset-arn", train)["DatasetDescription"]
    assert description["Status"] == "UPDATE_COMPLETE"
    assert description["DatasetStats"] == counts(labeled=5, total=6, labels=3, errors=1)
    test = cli("create-dataset", "--project-arn", project_arn, "--dataset-type", "TEST")["DatasetArn"]
    cli("distribute-dataset-entries", "--datasets", f"Arn={train}", f"Arn={test}")
    distributed, _ = together(
        ("describe-dataset", "--dataset-arn", test),
        ("tag-resource", "--resource-arn", project_arn, "--tags", "stage=beta"),
    )
    assert distributed["DatasetDescription"]["Status"] == "UPDATE_COMPLETE"
    assert distributed["DatasetDescription"]["DatasetStats"] == counts(labeled=1, total=1, labels=1, errors=0)
    assert cli("list-tags-for-resource", "--resource-arn", project_arn)["Tags"] == {"team": "vision", "stage": "beta"}
    together(("delete-dataset", "--dataset-arn", train), ("delete-dataset", "--dataset-arn", test))
    assert cli("delete-project", "--project-arn", project_arn)["Status"] == "DELETING"
    missing = aws_cli(server, "list-tags-for-resource", "--resource-arn", project_arn)
    assert missing.returncode != 0
    assert "ResourceNotFoundException" in missing.stderr


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--account-id", "123"], 'the account id must be 12 digits, not "123"'),
        (["--region", "US East"], '"US East" is not a region name'),
        (["--project", "bad name!"], 'project "bad name!": a project name is 1 to 255 letters, digits'),
    ],
    ids=["account", "region", "project"],
)
def test_start_up_validation(tmp_path, flags, message):
    refused = subprocess.run(
        [server_binary(), "--listen", "127.0.0.1:0", "--in-memory", "--s3-root", str(tmp_path / "s3"), *flags],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert refused.returncode != 0
    assert message in refused.stderr, refused.stderr
    assert "listening" not in refused.stdout
