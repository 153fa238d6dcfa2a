//! The metrics published (PutMetricData) and their listing (ListMetrics): each metric is its
//! namespace, name and set of dimensions, with the samples put to it, each a statistic set
//! (sample count, sum, minimum, maximum) with a unit and a timestamp, as CloudWatch keeps them.

use std::collections::BTreeMap;

use smithy_server_runtime::Timestamp;

use crate::error::{
    InvalidParameterCombinationException as Combination,
    InvalidParameterValueException as InvalidValue, ListMetricsError,
    MissingRequiredParameterException as Missing, PutMetricDataError,
};
use crate::model::{
    Dimension, ListMetricsInput, ListMetricsOutput, Metric, MetricDatum, PutMetricDataInput,
    RecentlyActive, StandardUnit,
};
use crate::paging;

/// How many data a PutMetricData request may carry, and values one datum.
const MAX_DATA: usize = 1000;
const MAX_VALUES: usize = 150;
/// How far back and ahead of now a datum's timestamp may be: two weeks, two hours.
const OLDEST_MILLIS: i64 = 14 * 24 * 3600 * 1000;
const NEWEST_MILLIS: i64 = 2 * 3600 * 1000;
/// ListMetrics' page size.
const LIST_PAGE: usize = 500;

/// A metric's identity: its dimensions sorted by name, since their order does not matter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct MetricKey {
    pub(crate) namespace: String,
    pub(crate) name: String,
    pub(crate) dimensions: Vec<(String, String)>,
}

impl MetricKey {
    /// The key of a metric with these dimensions.
    pub(crate) fn new(namespace: &str, name: &str, dimensions: Option<&[Dimension]>) -> Self {
        Self {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            dimensions: sorted(dimensions),
        }
    }

    fn metric(&self) -> Metric {
        Metric {
            namespace: Some(self.namespace.clone()),
            metric_name: Some(self.name.clone()),
            dimensions: Some(
                self.dimensions
                    .iter()
                    .map(|(name, value)| Dimension {
                        name: name.clone(),
                        value: value.clone(),
                    })
                    .collect(),
            ),
        }
    }
}

/// One sample put to a metric: a statistic set at an instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Sample {
    pub(crate) at: Timestamp,
    pub(crate) unit: StandardUnit,
    pub(crate) count: f64,
    pub(crate) sum: f64,
    pub(crate) min: f64,
    pub(crate) max: f64,
}

/// A metric's samples, and when one was last put.
#[derive(Debug, Clone)]
pub(crate) struct Series {
    pub(crate) samples: Vec<Sample>,
    last_put: Timestamp,
}

/// Every metric published.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    series: BTreeMap<MetricKey, Series>,
}

impl Metrics {
    /// A metric's series, if anything was ever put to it.
    pub(crate) fn series(&self, key: &MetricKey) -> Option<&Series> {
        self.series.get(key)
    }

    /// PutMetricData: every datum is checked before any is stored.
    pub(crate) fn put(
        &mut self,
        input: PutMetricDataInput,
        now: Timestamp,
    ) -> Result<(), PutMetricDataError> {
        if input.metric_data.is_none() && input.entity_metric_data.is_none() {
            return Err(Missing::new(
                "At least one of the parameters MetricData and EntityMetricData must be specified.",
            )
            .into());
        }
        if input.namespace.starts_with("AWS/") {
            return Err(InvalidValue::new(format!(
                "The value {} for parameter Namespace is invalid: the AWS/ prefix is reserved \
                for AWS services.",
                input.namespace
            ))
            .into());
        }
        let data: Vec<MetricDatum> = input
            .metric_data
            .into_iter()
            .flatten()
            .chain(
                input
                    .entity_metric_data
                    .into_iter()
                    .flatten()
                    .flat_map(|entity| entity.metric_data.unwrap_or_default()),
            )
            .collect();
        if data.len() > MAX_DATA {
            return Err(InvalidValue::new(format!(
                "The collection MetricData must not have a size greater than {MAX_DATA}."
            ))
            .into());
        }
        let mut checked = Vec::with_capacity(data.len());
        for (index, datum) in data.iter().enumerate() {
            let field = format!("MetricData.member.{}", index + 1);
            let key = MetricKey {
                namespace: input.namespace.clone(),
                name: datum.metric_name.clone(),
                dimensions: dimensions(datum, &field)?,
            };
            checked.push((key, samples(datum, &field, now)?));
        }
        for (key, samples) in checked {
            let series = self.series.entry(key).or_insert_with(|| Series {
                samples: Vec::new(),
                last_put: now,
            });
            series.samples.extend(samples);
            series.last_put = now;
        }
        Ok(())
    }

    /// ListMetrics: the metrics that match every filter, in a stable order, 500 a page.
    pub(crate) fn list(
        &self,
        input: &ListMetricsInput,
        account_id: &str,
        now: Timestamp,
    ) -> Result<ListMetricsOutput, ListMetricsError> {
        let start = match &input.next_token {
            None => 0,
            Some(token) => paging::offset("ListMetrics", token).ok_or_else(|| {
                InvalidValue::new("The value for parameter NextToken is invalid.")
            })?,
        };
        let recent = input.recently_active == Some(RecentlyActive::Pt3h);
        let matching: Vec<&MetricKey> = self
            .series
            .iter()
            .filter(|(key, series)| {
                matches(key, input) && (!recent || series.last_put.secs() > now.secs() - 3 * 3600)
            })
            .map(|(key, _)| key)
            .collect();
        let (page, next_token) = paging::page("ListMetrics", &matching, start, LIST_PAGE);
        let owning_accounts = (input.include_linked_accounts == Some(true))
            .then(|| vec![account_id.to_owned(); page.len()]);
        Ok(ListMetricsOutput {
            metrics: Some(page.iter().map(|key| key.metric()).collect()),
            next_token,
            owning_accounts,
        })
    }
}

/// Whether a metric passes ListMetrics' filters: namespace, name, and each dimension filter (a
/// name, and a value when given) met by one of its dimensions.
fn matches(key: &MetricKey, input: &ListMetricsInput) -> bool {
    input.namespace.as_ref().is_none_or(|n| *n == key.namespace)
        && input.metric_name.as_ref().is_none_or(|n| *n == key.name)
        && input.dimensions.iter().flatten().all(|filter| {
            key.dimensions.iter().any(|(name, value)| {
                *name == filter.name && filter.value.as_ref().is_none_or(|v| v == value)
            })
        })
}

/// A datum's dimensions, sorted by name; a name given twice is refused.
fn dimensions(datum: &MetricDatum, field: &str) -> Result<Vec<(String, String)>, InvalidValue> {
    let dimensions = sorted(datum.dimensions.as_deref());
    if dimensions.windows(2).any(|pair| pair[0].0 == pair[1].0) {
        return Err(InvalidValue::new(format!(
            "The dimensions of {field} must have unique names."
        )));
    }
    Ok(dimensions)
}

/// Dimensions as name and value pairs, sorted.
fn sorted(dimensions: Option<&[Dimension]>) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = dimensions
        .unwrap_or_default()
        .iter()
        .map(|d| (d.name.clone(), d.value.clone()))
        .collect();
    pairs.sort();
    pairs
}

/// A datum's samples: one for `Value`, one for `StatisticValues`, one per entry of `Values`
/// (weighted by `Counts`).
fn samples(
    datum: &MetricDatum,
    field: &str,
    now: Timestamp,
) -> Result<Vec<Sample>, PutMetricDataError> {
    let at = datum.timestamp.unwrap_or(now);
    let age = now.as_millis() - at.as_millis();
    if age > OLDEST_MILLIS || -age > NEWEST_MILLIS {
        return Err(InvalidValue::new(format!(
            "The parameter {field}.Timestamp must specify a time no more than two weeks in the \
            past and two hours in the future."
        ))
        .into());
    }
    if let Some(resolution) = datum.storage_resolution
        && resolution != 1
        && resolution != 60
    {
        return Err(InvalidValue::new(format!(
            "The value {resolution} for parameter {field}.StorageResolution is invalid: it must \
            be 1 or 60."
        ))
        .into());
    }
    let unit = datum.unit.unwrap_or(StandardUnit::None);
    let sample = |count: f64, sum: f64, min: f64, max: f64| Sample {
        at,
        unit,
        count,
        sum,
        min,
        max,
    };
    if datum.counts.is_some() && datum.values.is_none() {
        return Err(Combination::new(format!(
            "The parameter {field}.Counts is only taken with {field}.Values."
        ))
        .into());
    }
    match (datum.value, &datum.statistic_values, &datum.values) {
        (Some(value), None, None) => {
            let value = finite(value, &format!("{field}.Value"))?;
            Ok(vec![sample(1.0, value, value, value)])
        }
        (None, Some(set), None) => {
            let name = format!("{field}.StatisticValues");
            for value in [set.sample_count, set.sum, set.minimum, set.maximum] {
                finite(value, &name)?;
            }
            if set.sample_count <= 0.0 || set.minimum > set.maximum {
                return Err(InvalidValue::new(format!(
                    "The parameter {name} must have a positive SampleCount and a Minimum no \
                    greater than its Maximum."
                ))
                .into());
            }
            Ok(vec![sample(
                set.sample_count,
                set.sum,
                set.minimum,
                set.maximum,
            )])
        }
        (None, None, Some(values)) => {
            weighted_values(values, datum.counts.as_deref(), field, sample)
        }
        (None, None, None) => Err(Missing::new(format!(
            "One of the parameters {field}.Value, {field}.StatisticValues and {field}.Values is \
            required."
        ))
        .into()),
        _ => Err(Combination::new(format!(
            "The parameters {field}.Value, {field}.StatisticValues and {field}.Values are \
            mutually exclusive and you have specified more than one."
        ))
        .into()),
    }
}

/// The samples of `Values`, each counted as often as `Counts` says (once without it).
fn weighted_values(
    values: &[f64],
    counts: Option<&[f64]>,
    field: &str,
    sample: impl Fn(f64, f64, f64, f64) -> Sample,
) -> Result<Vec<Sample>, PutMetricDataError> {
    if values.len() > MAX_VALUES {
        return Err(InvalidValue::new(format!(
            "The collection {field}.Values must not have a size greater than {MAX_VALUES}."
        ))
        .into());
    }
    let counts = match counts {
        Some(counts) if counts.len() != values.len() => {
            return Err(InvalidValue::new(format!(
                "The parameters {field}.Values and {field}.Counts must be of the same size."
            ))
            .into());
        }
        Some(counts) => counts.to_vec(),
        None => vec![1.0; values.len()],
    };
    let mut samples = Vec::with_capacity(values.len());
    for (&value, &count) in values.iter().zip(&counts) {
        let value = finite(value, &format!("{field}.Values"))?;
        if !(count.is_finite() && count > 0.0) {
            return Err(InvalidValue::new(format!(
                "The value {count} for parameter {field}.Counts is invalid: counts are positive."
            ))
            .into());
        }
        samples.push(sample(count, value * count, value, value));
    }
    Ok(samples)
}

/// The value, if it is a number CloudWatch takes (not NaN or infinite).
fn finite(value: f64, field: &str) -> Result<f64, InvalidValue> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(InvalidValue::new(format!(
            "The value {value} for parameter {field} is invalid."
        )))
    }
}
