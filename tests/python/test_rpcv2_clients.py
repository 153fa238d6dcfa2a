"""Servers generated from AWS's official CloudWatch and Marketplace Entitlement Service models
(examples/monitoring and examples/entitlement), driven by unmodified boto3 in each protocol they
declare: Smithy RPC v2 CBOR, and awsJson (1.0 for CloudWatch, 1.1 for the entitlement service).

botocore 1.43 lists CloudWatch's protocols as smithy-rpc-v2-cbor, json, query and the entitlement
service's as smithy-rpc-v2-cbor, json, but picks by its own priority, in which json comes first:
a default client speaks awsJson. A client is put on one protocol by loading a copy of botocore's
service model that lists only that protocol, from a data path placed ahead of botocore's own
(the loader's search_paths). Every request's wire form is recorded and checked.

The binaries come from MONITORING_SERVER_BIN and ENTITLEMENT_SERVER_BIN (set by
`cargo xtask test`), else target/debug."""

import datetime
import json
import os
import pathlib
import subprocess

import boto3
import botocore.config
import botocore.exceptions
import botocore.session
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CBOR = "smithy-rpc-v2-cbor"
JSON = "json"
CLOUDWATCH_TARGET = "GraniteServiceVersion20100801"
ENTITLEMENT_TARGET = "AWSMPEntitlementService"


class Served:
    """An example binary on a free port, stopped at the end of the test."""

    def __init__(self, variable, name, banner):
        binary = os.environ.get(variable, str(ROOT / "target" / "debug" / name))
        self.process = subprocess.Popen(
            [binary, "--listen", "127.0.0.1:0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        first = self.process.stdout.readline()
        assert first.startswith(f"{banner} listening on "), first
        self.url = first.split()[len(banner.split()) + 2]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def cloudwatch_server():
    served = Served("MONITORING_SERVER_BIN", "monitoring-example", "CloudWatch")
    yield served
    served.stop()


@pytest.fixture
def entitlement_server():
    served = Served(
        "ENTITLEMENT_SERVER_BIN", "entitlement-example", "Marketplace Entitlement Service"
    )
    yield served
    served.stop()


class Wire:
    """What a client sent and got: each request's URL and headers, each response's headers."""

    def __init__(self, client):
        self.requests = []
        self.bodies = []
        self.responses = []
        client.meta.events.register("before-send", self._sent)
        client.meta.events.register("after-call", self._answered)

    def _sent(self, request, **_):
        headers = {k.lower(): _text(v) for k, v in request.headers.items()}
        self.requests.append((request.url, headers))
        self.bodies.append(request.body)

    def _answered(self, http_response, **_):
        self.responses.append({k.lower(): v for k, v in http_response.headers.items()})

    def assert_spoke(self, protocol, target, content_type):
        """Every exchange so far was in `protocol` (rpcv2Cbor, or awsJson of `content_type`)."""
        assert self.requests and len(self.requests) == len(self.responses)
        for (url, headers), answered in zip(self.requests, self.responses):
            if protocol == CBOR:
                assert f"/service/{target}/operation/" in url, url
                assert headers["smithy-protocol"] == "rpc-v2-cbor"
                assert "x-amz-target" not in headers
                assert answered["smithy-protocol"] == "rpc-v2-cbor"
                assert answered.get("content-type", "application/cbor") == "application/cbor"
            else:
                assert url.endswith("/"), url
                assert headers["x-amz-target"].startswith(f"{target}.")
                assert headers["content-type"] == content_type
                assert "smithy-protocol" not in headers
                assert "smithy-protocol" not in answered
                assert answered["content-type"] == content_type


def _text(value):
    return value.decode() if isinstance(value, bytes) else value


def client_speaking(service, url, tmp_path, protocol=None, validate=True):
    """A boto3 client of `service` at `url`, on `protocol` if given (else botocore's choice)."""
    session = botocore.session.Session()
    loader = session.get_component("data_loader")
    if protocol is not None:
        model = loader.load_service_model(service, "service-2")
        version = model["metadata"]["apiVersion"]
        model["metadata"]["protocols"] = [protocol]
        model["metadata"]["protocol"] = protocol
        folder = tmp_path / f"botocore-{protocol}" / service / version
        folder.mkdir(parents=True)
        (folder / "service-2.json").write_text(json.dumps(model))
        loader.search_paths.insert(0, str(tmp_path / f"botocore-{protocol}"))
    client = boto3.Session(botocore_session=session).client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="AKIDTEST",
        aws_secret_access_key="secret",
        config=botocore.config.Config(
            retries={"max_attempts": 1}, parameter_validation=validate
        ),
    )
    assert protocol is None or client.meta.service_model.resolved_protocol == protocol
    return client


def error_of(call):
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call()
    return raised.value


# The start of a whole minute half an hour ago: the periods of the data put below.
BASE = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0) - datetime.timedelta(
    minutes=30
)


def at(seconds):
    return BASE + datetime.timedelta(seconds=seconds)


def publish(cloudwatch):
    """Latency of two hosts in the three ways a datum carries values, and a request count."""
    host = lambda name: [{"Name": "Host", "Value": name}, {"Name": "Stage", "Value": "prod"}]
    cloudwatch.put_metric_data(
        Namespace="Shop",
        MetricData=[
            {"MetricName": "Latency", "Dimensions": host("a"), "Timestamp": at(0), "Value": 10, "Unit": "Milliseconds"},
            {"MetricName": "Latency", "Dimensions": host("a"), "Timestamp": at(20), "Value": 30, "Unit": "Milliseconds"},
            {
                "MetricName": "Latency",
                "Dimensions": host("a"),
                "Timestamp": at(65),
                "StatisticValues": {"SampleCount": 4, "Sum": 100, "Minimum": 5, "Maximum": 50},
                "Unit": "Milliseconds",
            },
            {
                "MetricName": "Latency",
                "Dimensions": host("a"),
                "Timestamp": at(130),
                "Values": [1, 2, 3],
                "Counts": [1, 1, 2],
                "Unit": "Milliseconds",
            },
            {"MetricName": "Latency", "Dimensions": host("b"), "Timestamp": at(10), "Value": 99, "Unit": "Milliseconds"},
            {"MetricName": "Requests", "Dimensions": [{"Name": "Stage", "Value": "prod"}], "Timestamp": at(0), "Value": 7, "Unit": "Count"},
        ],
    )


def latency_of(host):
    return {
        "Namespace": "Shop",
        "MetricName": "Latency",
        # Dimensions in another order than they were put: a metric's dimensions are a set.
        "Dimensions": [{"Name": "Stage", "Value": "prod"}, {"Name": "Host", "Value": host}],
    }


def check_read_back(cloudwatch):
    """Reads what `publish` put, with filters, statistics and metric data queries."""
    listed = cloudwatch.list_metrics(Namespace="Shop")["Metrics"]
    assert sorted((m["MetricName"], len(m["Dimensions"])) for m in listed) == [
        ("Latency", 2),
        ("Latency", 2),
        ("Requests", 1),
    ]
    by_value = cloudwatch.list_metrics(Dimensions=[{"Name": "Host", "Value": "b"}])["Metrics"]
    assert by_value == [{"Namespace": "Shop", "MetricName": "Latency", "Dimensions": [
        {"Name": "Host", "Value": "b"}, {"Name": "Stage", "Value": "prod"}]}]
    by_name = cloudwatch.list_metrics(MetricName="Latency", Dimensions=[{"Name": "Host"}])["Metrics"]
    assert len(by_name) == 2
    assert cloudwatch.list_metrics(Namespace="Elsewhere")["Metrics"] == []

    stats = cloudwatch.get_metric_statistics(
        **latency_of("a"),
        StartTime=at(0),
        EndTime=at(180),
        Period=60,
        Statistics=["SampleCount", "Average", "Sum", "Minimum", "Maximum"],
    )
    assert stats["Label"] == "Latency"
    points = sorted(stats["Datapoints"], key=lambda p: p["Timestamp"])
    assert [p["Timestamp"] for p in points] == [at(0), at(60), at(120)]
    assert [(p["SampleCount"], p["Sum"], p["Minimum"], p["Maximum"]) for p in points] == [
        (2, 40, 10, 30),
        (4, 100, 5, 50),
        (4, 9, 1, 3),
    ]
    assert [p["Average"] for p in points] == [20, 25, 2.25]
    assert {p["Unit"] for p in points} == {"Milliseconds"}
    whole = cloudwatch.get_metric_statistics(
        **latency_of("a"), StartTime=at(0), EndTime=at(300), Period=300, Statistics=["Sum"]
    )["Datapoints"]
    assert whole == [{"Timestamp": at(0), "Sum": 149, "Unit": "Milliseconds"}]

    data = cloudwatch.get_metric_data(
        MetricDataQueries=[
            {"Id": "a", "MetricStat": {"Metric": latency_of("a"), "Period": 60, "Stat": "Maximum"}, "Label": "host a"},
            {"Id": "b", "MetricStat": {"Metric": latency_of("b"), "Period": 60, "Stat": "Average"}},
            {"Id": "hidden", "MetricStat": {"Metric": latency_of("b"), "Period": 60, "Stat": "Sum"}, "ReturnData": False},
        ],
        StartTime=at(0),
        EndTime=at(180),
    )
    results = {r["Id"]: r for r in data["MetricDataResults"]}
    assert set(results) == {"a", "b"}
    assert results["a"]["Label"] == "host a"
    assert results["a"]["Timestamps"] == [at(120), at(60), at(0)]  # newest first by default
    assert results["a"]["Values"] == [3, 50, 30]
    assert results["a"]["StatusCode"] == "Complete"
    assert (results["b"]["Label"], results["b"]["Values"]) == ("Latency", [99])


def test_cloudwatch_metrics_over_rpcv2_cbor(cloudwatch_server, tmp_path):
    cloudwatch = client_speaking("cloudwatch", cloudwatch_server.url, tmp_path, CBOR)
    wire = Wire(cloudwatch)
    publish(cloudwatch)
    check_read_back(cloudwatch)
    wire.assert_spoke(CBOR, CLOUDWATCH_TARGET, None)
    # The request bodies were CBOR: each a map (major type 5), not JSON text.
    assert all(body[0] >> 5 == 5 for body in wire.bodies)


def test_cloudwatch_metrics_over_awsjson_1_0(cloudwatch_server, tmp_path):
    cloudwatch = client_speaking("cloudwatch", cloudwatch_server.url, tmp_path, JSON)
    wire = Wire(cloudwatch)
    publish(cloudwatch)
    check_read_back(cloudwatch)
    wire.assert_spoke(JSON, CLOUDWATCH_TARGET, "application/x-amz-json-1.0")


def test_one_server_answers_each_client_in_its_protocol(cloudwatch_server, tmp_path):
    cbor = client_speaking("cloudwatch", cloudwatch_server.url, tmp_path, CBOR)
    json_client = client_speaking("cloudwatch", cloudwatch_server.url, tmp_path, JSON)
    cbor_wire, json_wire = Wire(cbor), Wire(json_client)
    publish(cbor)
    check_read_back(json_client)
    json_client.put_metric_alarm(
        AlarmName="slow", Namespace="Shop", MetricName="Latency", Dimensions=latency_of("a")["Dimensions"],
        Statistic="Average", Period=60, EvaluationPeriods=3, Threshold=40,
        ComparisonOperator="GreaterThanThreshold",
    )
    [alarm] = cbor.describe_alarms(AlarmNames=["slow"])["MetricAlarms"]
    assert (alarm["Threshold"], alarm["EvaluationPeriods"]) == (40, 3)
    cbor_wire.assert_spoke(CBOR, CLOUDWATCH_TARGET, None)
    json_wire.assert_spoke(JSON, CLOUDWATCH_TARGET, "application/x-amz-json-1.0")


def test_a_default_boto3_client_speaks_the_protocol_botocore_picks(cloudwatch_server, tmp_path):
    cloudwatch = client_speaking("cloudwatch", cloudwatch_server.url, tmp_path)
    model = cloudwatch.meta.service_model
    assert model.metadata["protocols"] == [CBOR, JSON, "query"]
    wire = Wire(cloudwatch)
    publish(cloudwatch)
    check_read_back(cloudwatch)
    spoken = model.resolved_protocol
    assert spoken in (CBOR, JSON)
    wire.assert_spoke(spoken, CLOUDWATCH_TARGET, "application/x-amz-json-1.0")


@pytest.mark.parametrize("protocol", [CBOR, JSON])
def test_list_metrics_pages_of_500(cloudwatch_server, tmp_path, protocol):
    cloudwatch = client_speaking("cloudwatch", cloudwatch_server.url, tmp_path, protocol)
    wire = Wire(cloudwatch)
    cloudwatch.put_metric_data(
        Namespace="Many",
        MetricData=[{"MetricName": f"m{i:04}", "Value": i} for i in range(510)],
    )
    # Past 10 KB, botocore gzips PutMetricData's body (the model's @requestCompression).
    assert wire.requests[0][1]["content-encoding"] == "gzip"
    assert wire.bodies[0][:2] == b"\x1f\x8b"
    pages = list(cloudwatch.get_paginator("list_metrics").paginate(Namespace="Many"))
    assert [len(p["Metrics"]) for p in pages] == [500, 10]
    assert len({m["MetricName"] for p in pages for m in p["Metrics"]}) == 510
    assert "NextToken" in pages[0] and "NextToken" not in pages[1]


def test_get_metric_data_pages_by_max_datapoints(cloudwatch_server, tmp_path):
    cloudwatch = client_speaking("cloudwatch", cloudwatch_server.url, tmp_path, CBOR)
    cloudwatch.put_metric_data(
        Namespace="Paged",
        MetricData=[{"MetricName": "Hits", "Timestamp": at(60 * i), "Value": i} for i in range(5)],
    )
    query = {"Id": "hits", "MetricStat": {"Metric": {"Namespace": "Paged", "MetricName": "Hits"}, "Period": 60, "Stat": "Sum"}}
    first = cloudwatch.get_metric_data(
        MetricDataQueries=[query], StartTime=at(0), EndTime=at(600), MaxDatapoints=3, ScanBy="TimestampAscending"
    )
    [result] = first["MetricDataResults"]
    assert (result["Values"], result["StatusCode"]) == ([0, 1, 2], "PartialData")
    second = cloudwatch.get_metric_data(
        MetricDataQueries=[query], StartTime=at(0), EndTime=at(600), MaxDatapoints=3,
        ScanBy="TimestampAscending", NextToken=first["NextToken"],
    )
    [result] = second["MetricDataResults"]
    assert (result["Values"], result["StatusCode"]) == ([3, 4], "Complete")
    assert result["Timestamps"] == [at(180), at(240)]
    assert "NextToken" not in second
    bad = error_of(lambda: cloudwatch.get_metric_data(
        MetricDataQueries=[query], StartTime=at(0), EndTime=at(600), NextToken="nonsense"))
    assert isinstance(bad, cloudwatch.exceptions.InvalidNextToken)


@pytest.mark.parametrize("protocol", [CBOR, JSON])
def test_alarms_created_described_and_deleted(cloudwatch_server, tmp_path, protocol):
    cloudwatch = client_speaking("cloudwatch", cloudwatch_server.url, tmp_path, protocol)
    for name, threshold in [("cpu-high", 90), ("cpu-low", 5), ("disk-full", 95)]:
        cloudwatch.put_metric_alarm(
            AlarmName=name, Namespace="Host", MetricName=name.split("-")[0], Statistic="Average",
            Period=300, EvaluationPeriods=2, DatapointsToAlarm=1, Threshold=threshold,
            ComparisonOperator="GreaterThanThreshold", AlarmActions=[f"arn:aws:sns:us-east-1:123456789012:{name}"],
            TreatMissingData="notBreaching",
        )
    [disk] = cloudwatch.describe_alarms(AlarmNames=["disk-full"])["MetricAlarms"]
    assert disk["AlarmArn"] == "arn:aws:cloudwatch:us-east-1:123456789012:alarm:disk-full"
    assert disk["StateValue"] == "INSUFFICIENT_DATA"
    assert (disk["Period"], disk["Threshold"], disk["TreatMissingData"]) == (300, 95, "notBreaching")
    prefixed = cloudwatch.describe_alarms(AlarmNamePrefix="cpu-")["MetricAlarms"]
    assert [a["AlarmName"] for a in prefixed] == ["cpu-high", "cpu-low"]
    by_action = cloudwatch.describe_alarms(ActionPrefix="arn:aws:sns:us-east-1:123456789012:disk")
    assert [a["AlarmName"] for a in by_action["MetricAlarms"]] == ["disk-full"]
    assert cloudwatch.describe_alarms(StateValue="ALARM")["MetricAlarms"] == []
    pages = list(cloudwatch.get_paginator("describe_alarms").paginate(PaginationConfig={"PageSize": 2}))
    assert [[a["AlarmName"] for a in p["MetricAlarms"]] for p in pages] == [["cpu-high", "cpu-low"], ["disk-full"]]

    # An update keeps the alarm's state and changes its configuration.
    cloudwatch.put_metric_alarm(
        AlarmName="cpu-high", Namespace="Host", MetricName="cpu", Statistic="Maximum", Period=60,
        EvaluationPeriods=5, Threshold=80, ComparisonOperator="GreaterThanOrEqualToThreshold",
    )
    [updated] = cloudwatch.describe_alarms(AlarmNames=["cpu-high"])["MetricAlarms"]
    assert (updated["Statistic"], updated["Threshold"], updated["StateValue"]) == ("Maximum", 80, "INSUFFICIENT_DATA")

    # Deleting names one that does not exist deletes nothing.
    missing = error_of(lambda: cloudwatch.delete_alarms(AlarmNames=["cpu-low", "nope"]))
    assert isinstance(missing, cloudwatch.exceptions.ResourceNotFound)
    assert missing.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert len(cloudwatch.describe_alarms()["MetricAlarms"]) == 3
    cloudwatch.delete_alarms(AlarmNames=["cpu-low", "disk-full"])
    assert [a["AlarmName"] for a in cloudwatch.describe_alarms()["MetricAlarms"]] == ["cpu-high"]


@pytest.mark.parametrize("protocol", [CBOR, JSON])
def test_cloudwatch_errors(cloudwatch_server, tmp_path, protocol):
    cloudwatch = client_speaking("cloudwatch", cloudwatch_server.url, tmp_path, protocol)
    errors = cloudwatch.exceptions
    reserved = error_of(lambda: cloudwatch.put_metric_data(Namespace="AWS/EC2", MetricData=[{"MetricName": "x", "Value": 1}]))
    assert isinstance(reserved, errors.InvalidParameterValueException)
    # The awsQueryCompatible code, from x-amzn-query-error, is what botocore's model names.
    assert reserved.response["Error"]["Code"] == "InvalidParameterValue"
    assert reserved.response["Error"]["Type"] == "Sender"
    both = error_of(lambda: cloudwatch.put_metric_data(
        Namespace="Shop", MetricData=[{"MetricName": "x", "Value": 1, "StatisticValues": {"SampleCount": 1, "Sum": 1, "Minimum": 1, "Maximum": 1}}]))
    assert isinstance(both, errors.InvalidParameterCombinationException)
    no_statistics = error_of(lambda: cloudwatch.get_metric_statistics(
        Namespace="Shop", MetricName="x", StartTime=at(0), EndTime=at(60), Period=60))
    assert isinstance(no_statistics, errors.MissingRequiredParameterException)
    bad_period = error_of(lambda: cloudwatch.get_metric_statistics(
        Namespace="Shop", MetricName="x", StartTime=at(0), EndTime=at(60), Period=61, Statistics=["Sum"]))
    assert isinstance(bad_period, errors.InvalidParameterValueException)
    backwards = error_of(lambda: cloudwatch.get_metric_statistics(
        Namespace="Shop", MetricName="x", StartTime=at(60), EndTime=at(0), Period=60, Statistics=["Sum"]))
    assert isinstance(backwards, errors.InvalidParameterValueException)
    too_many = error_of(lambda: cloudwatch.get_metric_statistics(
        Namespace="Shop", MetricName="x", StartTime=at(0), EndTime=at(24 * 3600), Period=1, Statistics=["Sum"]))
    assert isinstance(too_many, errors.InvalidParameterCombinationException)
    assert "exceeds the limit of 1440" in str(too_many)
    bad_token = error_of(lambda: cloudwatch.describe_alarms(NextToken="garbage"))
    assert isinstance(bad_token, errors.InvalidNextToken)

    # Constraints of the model, checked before the handler: a pattern and a list's length.
    pattern = error_of(lambda: cloudwatch.put_metric_data(Namespace=":bad", MetricData=[{"MetricName": "x", "Value": 1}]))
    assert pattern.response["Error"]["Code"] == "ValidationException"
    assert pattern.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    dimensions = [{"Name": f"d{i}", "Value": "v"} for i in range(31)]
    length = error_of(lambda: cloudwatch.list_metrics(Dimensions=dimensions[:11]))
    assert length.response["Error"]["Code"] == "ValidationException"
    assert "length" in length.response["Error"]["Message"]

    # What the example does not implement is refused as such, never faked.
    dashboard = error_of(lambda: cloudwatch.put_dashboard(DashboardName="d", DashboardBody="{}"))
    assert dashboard.response["Error"]["Code"] == "NotImplemented"
    assert dashboard.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert "not implemented by this example" in dashboard.response["Error"]["Message"]
    percentile = error_of(lambda: cloudwatch.get_metric_statistics(
        Namespace="Shop", MetricName="x", StartTime=at(0), EndTime=at(60), Period=60, ExtendedStatistics=["p99"]))
    assert percentile.response["Error"]["Code"] == "NotImplemented"


def test_cbor_carries_what_json_cannot(cloudwatch_server, tmp_path):
    cloudwatch = client_speaking("cloudwatch", cloudwatch_server.url, tmp_path, CBOR)
    not_a_number = error_of(lambda: cloudwatch.put_metric_data(Namespace="Shop", MetricData=[{"MetricName": "x", "Value": float("nan")}]))
    assert isinstance(not_a_number, cloudwatch.exceptions.InvalidParameterValueException)
    assert "NaN" in str(not_a_number)


@pytest.mark.parametrize("protocol", [CBOR, JSON])
def test_entitlements_filtered_and_paged(entitlement_server, tmp_path, protocol):
    service = "marketplace-entitlement"
    client = client_speaking(service, entitlement_server.url, tmp_path, protocol)
    wire = Wire(client)
    everything = client.get_entitlements(ProductCode="prod-analytics")
    assert len(everything["Entitlements"]) == 7 and "NextToken" not in everything
    first = everything["Entitlements"][0]
    assert first["Value"] == {"IntegerValue": 25}
    assert first["ExpirationDate"] == datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc)
    assert first["CustomerIdentifier"] == "cust-alpha"
    values = [e["Value"] for e in everything["Entitlements"]]
    assert {"DoubleValue": 512.5} in values and {"BooleanValue": True} in values and {"StringValue": "gold"} in values

    alpha = client.get_entitlements(ProductCode="prod-analytics", Filter={"CUSTOMER_IDENTIFIER": ["cust-alpha"]})
    assert [e["Dimension"] for e in alpha["Entitlements"]] == ["Users", "Storage", "Support"]
    users = client.get_entitlements(
        ProductCode="prod-analytics", Filter={"DIMENSION": ["Users"], "CUSTOMER_IDENTIFIER": ["cust-alpha", "cust-beta"]}
    )
    assert [(e["CustomerIdentifier"], e["Value"]["IntegerValue"]) for e in users["Entitlements"]] == [
        ("cust-alpha", 25),
        ("cust-beta", 5),
    ]
    pages = list(client.get_paginator("get_entitlements").paginate(
        ProductCode="prod-analytics", PaginationConfig={"PageSize": 2}))
    assert [len(p["Entitlements"]) for p in pages] == [2, 2, 2, 1]
    assert [e for p in pages for e in p["Entitlements"]] == everything["Entitlements"]
    assert client.get_entitlements(ProductCode="prod-unknown")["Entitlements"] == []

    bad_token = error_of(lambda: client.get_entitlements(ProductCode="prod-analytics", NextToken="forged"))
    assert isinstance(bad_token, client.exceptions.InvalidParameterException)
    too_many = error_of(lambda: client.get_entitlements(ProductCode="prod-analytics", MaxResults=26))
    assert too_many.response["Error"]["Code"] == "ValidationException"
    wire.assert_spoke(protocol, ENTITLEMENT_TARGET, "application/x-amz-json-1.1")


def test_entitlement_service_answers_both_protocols_on_one_port(entitlement_server, tmp_path):
    cbor = client_speaking("marketplace-entitlement", entitlement_server.url, tmp_path, CBOR)
    json_client = client_speaking("marketplace-entitlement", entitlement_server.url, tmp_path, JSON)
    request = {"ProductCode": "prod-backup"}
    assert cbor.get_entitlements(**request)["Entitlements"] == json_client.get_entitlements(**request)["Entitlements"]
    missing = error_of(lambda: client_speaking(
        "marketplace-entitlement", entitlement_server.url, tmp_path / "loose", CBOR, validate=False
    ).get_entitlements())
    assert missing.response["Error"]["Code"] == "ValidationException"
