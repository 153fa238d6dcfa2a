//! Reading metrics back: GetMetricStatistics and GetMetricData group a metric's samples into
//! periods from the start time (rounded down to the minute, or for periods under a minute to
//! the period) and give each period's sample count, sum, average, minimum or maximum.

use std::collections::{BTreeMap, HashSet};

use smithy_server_runtime::Timestamp;

use crate::error::{
    GetMetricDataError, GetMetricStatisticsError, InvalidNextToken,
    InvalidParameterCombinationException as Combination,
    InvalidParameterValueException as InvalidValue, MissingRequiredParameterException as Missing,
};
use crate::metrics::{MetricKey, Metrics, Series};
use crate::model::{
    Datapoint, GetMetricDataInput, GetMetricDataOutput, GetMetricStatisticsInput,
    GetMetricStatisticsOutput, MetricDataQuery, MetricDataResult, ScanBy, StandardUnit, Statistic,
    StatusCode,
};
use crate::{not_implemented, paging, validation_error};

/// The most datapoints one GetMetricStatistics call may ask for.
const MAX_STATISTICS_DATAPOINTS: i64 = 1440;
/// GetMetricData's default MaxDatapoints, and the most queries a call may carry.
const DEFAULT_MAX_DATAPOINTS: usize = 100_800;
const MAX_QUERIES: usize = 500;

/// The samples of one period, summed up.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    unit: StandardUnit,
    count: f64,
    sum: f64,
    min: f64,
    max: f64,
}

impl Bucket {
    fn statistic(&self, statistic: Statistic) -> f64 {
        match statistic {
            Statistic::SampleCount => self.count,
            Statistic::Sum => self.sum,
            Statistic::Average => self.sum / self.count,
            Statistic::Minimum => self.min,
            Statistic::Maximum => self.max,
        }
    }
}

/// Whether CloudWatch takes this period: 1, 5, 10 or 30 seconds (high resolution), or whole
/// minutes.
fn valid_period(period: i32) -> bool {
    matches!(period, 1 | 5 | 10 | 30) || (period > 0 && period % 60 == 0)
}

/// Where the first period starts, in milliseconds since 1970.
fn first_period(start: Timestamp, period: i32) -> i64 {
    let step = if period >= 60 {
        60_000
    } else {
        i64::from(period) * 1000
    };
    start.as_millis().div_euclid(step) * step
}

/// The periods of `[start, end)` that have samples (of `unit`, when given), by their start.
fn buckets(
    series: Option<&Series>,
    unit: Option<StandardUnit>,
    start: Timestamp,
    end: Timestamp,
    period: i32,
) -> BTreeMap<i64, Bucket> {
    let first = first_period(start, period);
    let width = i64::from(period) * 1000;
    let mut buckets: BTreeMap<i64, Bucket> = BTreeMap::new();
    let samples = series.map(|s| s.samples.as_slice()).unwrap_or_default();
    for sample in samples {
        let at = sample.at.as_millis();
        if at < first || at >= end.as_millis() || unit.is_some_and(|u| u != sample.unit) {
            continue;
        }
        let period_start = first + (at - first) / width * width;
        buckets
            .entry(period_start)
            .and_modify(|b| {
                b.count += sample.count;
                b.sum += sample.sum;
                b.min = b.min.min(sample.min);
                b.max = b.max.max(sample.max);
            })
            .or_insert(Bucket {
                unit: sample.unit,
                count: sample.count,
                sum: sample.sum,
                min: sample.min,
                max: sample.max,
            });
    }
    buckets
}

/// GetMetricStatistics: the requested statistics of each period of one metric (its dimensions
/// matched exactly), oldest first.
pub(crate) fn get_metric_statistics(
    metrics: &Metrics,
    input: &GetMetricStatisticsInput,
) -> Result<GetMetricStatisticsOutput, GetMetricStatisticsError> {
    if input.start_time >= input.end_time {
        return Err(InvalidValue::new(
            "The parameter StartTime must be less than the parameter EndTime.",
        )
        .into());
    }
    if !valid_period(input.period) {
        return Err(InvalidValue::new(
            "The parameter Period must be 1, 5, 10, 30 or a multiple of 60.",
        )
        .into());
    }
    let statistics = match (&input.statistics, &input.extended_statistics) {
        (Some(statistics), None) => statistics,
        (None, None) => {
            return Err(
                Missing::new("Must specify either Statistics or ExtendedStatistics.").into(),
            );
        }
        (Some(_), Some(_)) => {
            return Err(Combination::new(
                "The parameters Statistics and ExtendedStatistics are mutually exclusive and \
                you have specified both.",
            )
            .into());
        }
        (None, Some(_)) => return Err(not_implemented("ExtendedStatistics (percentiles)").into()),
    };
    let width = i64::from(input.period) * 1000;
    let first = first_period(input.start_time, input.period);
    let requested = (input.end_time.as_millis() - first + width - 1) / width;
    if requested > MAX_STATISTICS_DATAPOINTS {
        return Err(Combination::new(format!(
            "You have requested up to {requested} datapoints, which exceeds the limit of \
            {MAX_STATISTICS_DATAPOINTS}. You may reduce the datapoints requested by increasing \
            Period, or decreasing the time range."
        ))
        .into());
    }
    let key = MetricKey::new(
        &input.namespace,
        &input.metric_name,
        input.dimensions.as_deref(),
    );
    let found = buckets(
        metrics.series(&key),
        input.unit,
        input.start_time,
        input.end_time,
        input.period,
    );
    let datapoints = found
        .into_iter()
        .map(|(at, bucket)| {
            let wanted = |s: Statistic| statistics.contains(&s).then(|| bucket.statistic(s));
            Datapoint {
                timestamp: Some(Timestamp::from_millis(at)),
                sample_count: wanted(Statistic::SampleCount),
                average: wanted(Statistic::Average),
                sum: wanted(Statistic::Sum),
                minimum: wanted(Statistic::Minimum),
                maximum: wanted(Statistic::Maximum),
                unit: Some(bucket.unit),
                extended_statistics: None,
            }
        })
        .collect();
    Ok(GetMetricStatisticsOutput {
        label: Some(input.metric_name.clone()),
        datapoints: Some(datapoints),
    })
}

/// One query's answer before paging: its id, label and points in the order asked for.
struct Answer {
    id: String,
    label: String,
    points: Vec<(i64, f64)>,
}

/// GetMetricData: each `MetricStat` query's values per period, newest first unless asked
/// otherwise, `MaxDatapoints` values a page across the queries.
pub(crate) fn get_metric_data(
    metrics: &Metrics,
    input: &GetMetricDataInput,
) -> Result<GetMetricDataOutput, GetMetricDataError> {
    if input.start_time >= input.end_time {
        return Err(validation_error(
            "The parameter StartTime must be less than the parameter EndTime.",
        )
        .into());
    }
    let queries = &input.metric_data_queries;
    if queries.is_empty() || queries.len() > MAX_QUERIES {
        return Err(validation_error(format!(
            "The collection MetricDataQueries must have between 1 and {MAX_QUERIES} members."
        ))
        .into());
    }
    let max = match input.max_datapoints {
        None => DEFAULT_MAX_DATAPOINTS,
        Some(max) if max > 0 => max as usize,
        Some(_) => {
            return Err(validation_error("The parameter MaxDatapoints must be positive.").into());
        }
    };
    let start = match &input.next_token {
        None => 0,
        Some(token) => paging::offset("GetMetricData", token)
            .ok_or_else(|| InvalidNextToken::new("The service couldn't process the NextToken."))?,
    };
    let mut ids = HashSet::new();
    let mut answers = Vec::new();
    for (index, query) in queries.iter().enumerate() {
        if !ids.insert(query.id.as_str()) {
            return Err(validation_error(format!(
                "The values of MetricDataQueries must have unique Ids: {} is given twice.",
                query.id
            ))
            .into());
        }
        let answer = answer(metrics, input, query, index + 1)?;
        if query.return_data != Some(false) {
            answers.push(answer);
        }
    }
    let descending = input.scan_by != Some(ScanBy::TimestampAscending);
    for answer in &mut answers {
        if descending {
            answer.points.reverse();
        }
    }
    let (results, next_token) = page(answers, start, max);
    Ok(GetMetricDataOutput {
        metric_data_results: Some(results),
        next_token,
        messages: Some(Vec::new()),
    })
}

/// One query's periods, oldest first.
fn answer(
    metrics: &Metrics,
    input: &GetMetricDataInput,
    query: &MetricDataQuery,
    number: usize,
) -> Result<Answer, GetMetricDataError> {
    let field = format!("MetricDataQueries.member.{number}");
    let id_ok = query.id.starts_with(|c: char| c.is_ascii_lowercase())
        && query
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !id_ok {
        return Err(validation_error(format!(
            "The value {} for parameter {field}.Id is invalid: it starts with a lowercase \
            letter and has only letters, digits and underscores.",
            query.id
        ))
        .into());
    }
    let stat = match (&query.metric_stat, &query.expression) {
        (Some(stat), None) => stat,
        (None, Some(_)) => return Err(not_implemented("Metric math (Expression)").into()),
        _ => {
            return Err(validation_error(format!(
                "Exactly one of {field}.MetricStat and {field}.Expression must be given."
            ))
            .into());
        }
    };
    let Ok(statistic) = stat.stat.parse::<Statistic>() else {
        return Err(not_implemented(&format!(
            "The statistic {} (only SampleCount, Average, Sum, Minimum and Maximum are)",
            stat.stat
        ))
        .into());
    };
    if !valid_period(stat.period) {
        return Err(validation_error(format!(
            "The parameter {field}.MetricStat.Period must be 1, 5, 10, 30 or a multiple of 60."
        ))
        .into());
    }
    let metric = &stat.metric;
    let (Some(namespace), Some(name)) = (&metric.namespace, &metric.metric_name) else {
        return Err(validation_error(format!(
            "The parameter {field}.MetricStat.Metric must name its Namespace and MetricName."
        ))
        .into());
    };
    let key = MetricKey::new(namespace, name, metric.dimensions.as_deref());
    let found = buckets(
        metrics.series(&key),
        stat.unit,
        input.start_time,
        input.end_time,
        stat.period,
    );
    Ok(Answer {
        id: query.id.clone(),
        label: query.label.clone().unwrap_or_else(|| name.clone()),
        points: found
            .into_iter()
            .map(|(at, bucket)| (at, bucket.statistic(statistic)))
            .collect(),
    })
}

/// The page of the answers' points from `start` (counted across the answers in order), at most
/// `max` long: an answer with points left for the next page is `PartialData`.
fn page(answers: Vec<Answer>, start: usize, max: usize) -> (Vec<MetricDataResult>, Option<String>) {
    let total: usize = answers.iter().map(|a| a.points.len()).sum();
    let (mut skip, mut room) = (start, max);
    let mut results = Vec::with_capacity(answers.len());
    for answer in answers {
        let from = skip.min(answer.points.len());
        skip -= from;
        let taken = room.min(answer.points.len() - from);
        room -= taken;
        let points = &answer.points[from..from + taken];
        let complete = from + taken == answer.points.len();
        results.push(MetricDataResult {
            id: Some(answer.id),
            label: Some(answer.label),
            timestamps: Some(points.iter().map(|p| Timestamp::from_millis(p.0)).collect()),
            values: Some(points.iter().map(|p| p.1).collect()),
            status_code: Some(if complete {
                StatusCode::Complete
            } else {
                StatusCode::PartialData
            }),
            messages: None,
        });
    }
    let delivered = start.saturating_add(max - room);
    let next = (delivered < total).then(|| paging::token("GetMetricData", delivered));
    (results, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_start_on_the_minute_or_on_the_period() {
        let start = Timestamp::from_secs(3_725); // 01:02:05
        assert_eq!(first_period(start, 300), 3_720_000);
        assert_eq!(first_period(start, 10), 3_720_000);
        assert_eq!(first_period(Timestamp::from_secs(3_727), 5), 3_725_000);
        assert!(valid_period(1) && valid_period(30) && valid_period(120));
        assert!(!valid_period(2) && !valid_period(61) && !valid_period(0));
    }

    #[test]
    fn pages_count_points_across_queries() {
        let answer = |id: &str, n: i64| Answer {
            id: id.to_owned(),
            label: id.to_owned(),
            points: (0..n).map(|i| (i * 60_000, i as f64)).collect(),
        };
        let (results, next) = page(vec![answer("a", 2), answer("b", 3)], 0, 3);
        let values: Vec<_> = results.iter().map(|r| r.values.clone()).collect();
        assert_eq!(values, [Some(vec![0.0, 1.0]), Some(vec![0.0])]);
        assert_eq!(results[1].status_code, Some(StatusCode::PartialData));
        let next = next.expect("more to come");
        let start = paging::offset("GetMetricData", &next).expect("our token");
        let (results, next) = page(vec![answer("a", 2), answer("b", 3)], start, 3);
        let values: Vec<_> = results.iter().map(|r| r.values.clone()).collect();
        assert_eq!(values, [Some(vec![]), Some(vec![1.0, 2.0])]);
        assert_eq!(results[1].status_code, Some(StatusCode::Complete));
        assert_eq!(next, None);
    }
}
