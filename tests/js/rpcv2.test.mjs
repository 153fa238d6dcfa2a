// Servers generated from AWS's official CloudWatch and Marketplace Entitlement Service models
// (examples/monitoring and examples/entitlement), driven by the AWS SDK for JavaScript v3 in each
// protocol they declare. The clients' default protocol is awsJson (1.0 for CloudWatch, with
// awsQueryCompatible; 1.1 for the entitlement service); their `protocol` setting puts them on
// Smithy RPC v2 CBOR (AwsSmithyRpcV2CborProtocol). Every request's wire form is recorded and
// checked. The binaries come from MONITORING_SERVER_BIN and ENTITLEMENT_SERVER_BIN (set by
// `cargo xtask test`).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { AwsSmithyRpcV2CborProtocol } from "@aws-sdk/core/protocols";
import {
  CloudWatchClient,
  PutMetricDataCommand,
  ListMetricsCommand,
  GetMetricStatisticsCommand,
  GetMetricDataCommand,
  PutMetricAlarmCommand,
  DescribeAlarmsCommand,
  DeleteAlarmsCommand,
  PutDashboardCommand,
  ResourceNotFound,
  InvalidParameterValueException,
  InvalidParameterCombinationException,
  paginateDescribeAlarms,
} from "@aws-sdk/client-cloudwatch";
import {
  MarketplaceEntitlementServiceClient,
  GetEntitlementsCommand,
  InvalidParameterException,
  paginateGetEntitlements,
} from "@aws-sdk/client-marketplace-entitlement-service";

const built = (name) => new URL(`../../target/debug/${name}`, import.meta.url).pathname;
const servers = [];

async function serve(binary, banner) {
  const child = spawn(binary, ["--listen", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "ignore"] });
  servers.push(child);
  const first = (await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next()).value;
  assert.ok(first.startsWith(`${banner} listening on `), first);
  return first.split(" ")[banner.split(" ").length + 2];
}

let cloudwatchUrl;
let entitlementUrl;

before(async () => {
  cloudwatchUrl = await serve(process.env.MONITORING_SERVER_BIN ?? built("monitoring-example"), "CloudWatch");
  entitlementUrl = await serve(
    process.env.ENTITLEMENT_SERVER_BIN ?? built("entitlement-example"),
    "Marketplace Entitlement Service",
  );
});

after(() => servers.forEach((child) => child.kill("SIGTERM")));

// A client at `endpoint`, on rpcv2Cbor when `cbor`, else on its default protocol, with a record
// of every request's path and headers and every response's headers.
function clientOf(Client, endpoint, cbor) {
  const client = new Client({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" },
    maxAttempts: 1,
    ...(cbor ? { protocol: AwsSmithyRpcV2CborProtocol } : {}),
  });
  const wire = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const { path, headers, body } = args.request;
      const exchange = { path, sent: { ...headers }, first: typeof body === "string" ? body.charCodeAt(0) : body?.[0] };
      wire.push(exchange);
      const result = await next(args);
      exchange.answered = result.response.headers;
      return result;
    },
    { step: "finalizeRequest", name: "recordWire", priority: "low" },
  );
  return { client, wire };
}

// Every exchange in `wire` was in rpcv2Cbor (when `cbor`) or in awsJson of `contentType`.
function assertSpoke(wire, cbor, target, contentType) {
  assert.ok(wire.length > 0);
  for (const { path, sent, first, answered } of wire) {
    if (cbor) {
      // The body is CBOR: a map (major type 5), not JSON text.
      assert.equal(first >> 5, 5);
      assert.match(path, new RegExp(`/service/${target}/operation/\\w+$`));
      assert.equal(sent["smithy-protocol"], "rpc-v2-cbor");
      assert.equal(sent["x-amz-target"], undefined);
      if (answered) assert.equal(answered["smithy-protocol"], "rpc-v2-cbor");
    } else {
      assert.equal(path, "/");
      assert.equal(String.fromCharCode(first), "{");
      assert.ok(sent["x-amz-target"].startsWith(`${target}.`), sent["x-amz-target"]);
      assert.equal(sent["content-type"], contentType);
      assert.equal(sent["smithy-protocol"], undefined);
      if (answered) {
        assert.equal(answered["content-type"], contentType);
        assert.equal(answered["smithy-protocol"], undefined);
      }
    }
  }
}

async function failure(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected the call to fail");
}

// Each test puts its data in its own namespace, half an hour ago, on whole minutes.
const base = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000);
const at = (seconds) => new Date(base.getTime() + seconds * 1000);
const dimensions = (host) => [
  { Name: "Host", Value: host },
  { Name: "Stage", Value: "prod" },
];

async function publish(client, namespace) {
  const latency = { MetricName: "Latency", Dimensions: dimensions("a"), Unit: "Milliseconds" };
  await client.send(
    new PutMetricDataCommand({
      Namespace: namespace,
      MetricData: [
        { ...latency, Timestamp: at(0), Value: 10 },
        { ...latency, Timestamp: at(20), Value: 30 },
        { ...latency, Timestamp: at(65), StatisticValues: { SampleCount: 4, Sum: 100, Minimum: 5, Maximum: 50 } },
        { ...latency, Timestamp: at(130), Values: [1, 2, 3], Counts: [1, 1, 2] },
        { MetricName: "Latency", Dimensions: dimensions("b"), Timestamp: at(10), Value: 99, Unit: "Milliseconds" },
      ],
    }),
  );
}

async function readBack(client, namespace) {
  const listed = await client.send(new ListMetricsCommand({ Namespace: namespace }));
  assert.equal(listed.Metrics.length, 2);
  const hostB = await client.send(
    new ListMetricsCommand({ Namespace: namespace, Dimensions: [{ Name: "Host", Value: "b" }] }),
  );
  assert.deepEqual(hostB.Metrics, [{ Namespace: namespace, MetricName: "Latency", Dimensions: dimensions("b") }]);

  const stats = await client.send(
    new GetMetricStatisticsCommand({
      Namespace: namespace,
      MetricName: "Latency",
      Dimensions: dimensions("a"),
      StartTime: at(0),
      EndTime: at(180),
      Period: 60,
      Statistics: ["SampleCount", "Average", "Sum", "Minimum", "Maximum"],
    }),
  );
  const points = stats.Datapoints.sort((x, y) => x.Timestamp - y.Timestamp);
  assert.deepEqual(
    points.map((p) => [p.Timestamp.getTime(), p.SampleCount, p.Sum, p.Average, p.Minimum, p.Maximum, p.Unit]),
    [
      [at(0).getTime(), 2, 40, 20, 10, 30, "Milliseconds"],
      [at(60).getTime(), 4, 100, 25, 5, 50, "Milliseconds"],
      [at(120).getTime(), 4, 9, 2.25, 1, 3, "Milliseconds"],
    ],
  );

  const data = await client.send(
    new GetMetricDataCommand({
      MetricDataQueries: [
        {
          Id: "peak",
          Label: "host a peak",
          MetricStat: { Metric: { Namespace: namespace, MetricName: "Latency", Dimensions: dimensions("a") }, Period: 60, Stat: "Maximum" },
        },
      ],
      StartTime: at(0),
      EndTime: at(180),
      ScanBy: "TimestampAscending",
    }),
  );
  const [result] = data.MetricDataResults;
  assert.equal(result.Id, "peak");
  assert.equal(result.Label, "host a peak");
  assert.equal(result.StatusCode, "Complete");
  assert.deepEqual(result.Values, [30, 50, 3]);
  assert.deepEqual(result.Timestamps.map((t) => t.getTime()), [at(0), at(60), at(120)].map((t) => t.getTime()));
}

for (const cbor of [true, false]) {
  const protocol = cbor ? "rpcv2Cbor" : "awsJson 1.0";

  test(`CloudWatch metrics put and read back over ${protocol}`, async () => {
    const { client, wire } = clientOf(CloudWatchClient, cloudwatchUrl, cbor);
    await publish(client, `Js/${protocol}`);
    await readBack(client, `Js/${protocol}`);
    assertSpoke(wire, cbor, "GraniteServiceVersion20100801", "application/x-amz-json-1.0");
  });

  test(`CloudWatch alarms and errors over ${protocol}`, async () => {
    const { client, wire } = clientOf(CloudWatchClient, cloudwatchUrl, cbor);
    const prefix = `js-${cbor ? "cbor" : "json"}-`;
    for (const [name, threshold] of [["cpu", 90], ["disk", 95], ["memory", 80]]) {
      await client.send(
        new PutMetricAlarmCommand({
          AlarmName: prefix + name,
          Namespace: "Host",
          MetricName: name,
          Statistic: "Average",
          Period: 60,
          EvaluationPeriods: 3,
          Threshold: threshold,
          ComparisonOperator: "GreaterThanThreshold",
        }),
      );
    }
    const [disk] = (await client.send(new DescribeAlarmsCommand({ AlarmNames: [`${prefix}disk`] }))).MetricAlarms;
    assert.equal(disk.AlarmArn, `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${prefix}disk`);
    assert.equal(disk.StateValue, "INSUFFICIENT_DATA");
    assert.equal(disk.Threshold, 95);
    const pages = [];
    for await (const page of paginateDescribeAlarms({ client, pageSize: 2 }, { AlarmNamePrefix: prefix })) {
      pages.push(page.MetricAlarms.map((a) => a.AlarmName));
    }
    assert.deepEqual(pages, [[`${prefix}cpu`, `${prefix}disk`], [`${prefix}memory`]]);

    const missing = await failure(client.send(new DeleteAlarmsCommand({ AlarmNames: [`${prefix}cpu`, "nope"] })));
    assert.ok(missing instanceof ResourceNotFound, missing.name);
    assert.equal(missing.$metadata.httpStatusCode, 404);
    await client.send(new DeleteAlarmsCommand({ AlarmNames: [`${prefix}cpu`, `${prefix}disk`] }));
    const left = await client.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix }));
    assert.deepEqual(left.MetricAlarms.map((a) => a.AlarmName), [`${prefix}memory`]);

    const reserved = await failure(
      client.send(new PutMetricDataCommand({ Namespace: "AWS/EC2", MetricData: [{ MetricName: "x", Value: 1 }] })),
    );
    assert.ok(reserved instanceof InvalidParameterValueException, reserved.name);
    const both = await failure(
      client.send(
        new PutMetricDataCommand({
          Namespace: "Js",
          MetricData: [{ MetricName: "x", Value: 1, StatisticValues: { SampleCount: 1, Sum: 1, Minimum: 1, Maximum: 1 } }],
        }),
      ),
    );
    assert.ok(both instanceof InvalidParameterCombinationException, both.name);
    const invalid = await failure(
      client.send(new PutMetricDataCommand({ Namespace: ":bad", MetricData: [{ MetricName: "x", Value: 1 }] })),
    );
    assert.equal(invalid.name, "ValidationException");
    assert.equal(invalid.$metadata.httpStatusCode, 400);
    const unimplemented = await failure(client.send(new PutDashboardCommand({ DashboardName: "d", DashboardBody: "{}" })));
    assert.equal(unimplemented.$metadata.httpStatusCode, 501);
    assert.match(unimplemented.message, /not implemented by this example/);
    assertSpoke(wire, cbor, "GraniteServiceVersion20100801", "application/x-amz-json-1.0");
  });

  test(`entitlements filtered and paged over ${cbor ? "rpcv2Cbor" : "awsJson 1.1"}`, async () => {
    const { client, wire } = clientOf(MarketplaceEntitlementServiceClient, entitlementUrl, cbor);
    const all = await client.send(new GetEntitlementsCommand({ ProductCode: "prod-analytics" }));
    assert.equal(all.Entitlements.length, 7);
    assert.deepEqual(all.Entitlements[0].Value, { IntegerValue: 25 });
    assert.equal(all.Entitlements[0].ExpirationDate.toISOString(), "2030-01-01T00:00:00.000Z");
    const filtered = await client.send(
      new GetEntitlementsCommand({
        ProductCode: "prod-analytics",
        Filter: { DIMENSION: ["Users"], CUSTOMER_IDENTIFIER: ["cust-alpha", "cust-gamma"] },
      }),
    );
    assert.deepEqual(
      filtered.Entitlements.map((e) => [e.CustomerIdentifier, e.Value.IntegerValue]),
      [["cust-alpha", 25], ["cust-gamma", 100]],
    );
    const sizes = [];
    const seen = [];
    for await (const page of paginateGetEntitlements({ client, pageSize: 3 }, { ProductCode: "prod-analytics" })) {
      sizes.push(page.Entitlements.length);
      seen.push(...page.Entitlements);
    }
    assert.deepEqual(sizes, [3, 3, 1]);
    assert.deepEqual(seen, all.Entitlements);
    const forged = await failure(client.send(new GetEntitlementsCommand({ ProductCode: "prod-analytics", NextToken: "forged" })));
    assert.ok(forged instanceof InvalidParameterException, forged.name);
    assertSpoke(wire, cbor, "AWSMPEntitlementService", "application/x-amz-json-1.1");
  });
}

test("one CloudWatch server answers a CBOR client and a JSON client alike", async () => {
  const cbor = clientOf(CloudWatchClient, cloudwatchUrl, true);
  const json = clientOf(CloudWatchClient, cloudwatchUrl, false);
  await publish(cbor.client, "Js/Crossed");
  await readBack(json.client, "Js/Crossed");
  await publish(json.client, "Js/Crossed-back");
  await readBack(cbor.client, "Js/Crossed-back");
  assertSpoke(cbor.wire, true, "GraniteServiceVersion20100801");
  assertSpoke(json.wire, false, "GraniteServiceVersion20100801", "application/x-amz-json-1.0");
});
