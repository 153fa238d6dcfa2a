//! Metric alarms: PutMetricAlarm creates or updates one (in `INSUFFICIENT_DATA` until it is
//! evaluated, which this example does not do), DescribeAlarms lists them by name, prefix, state
//! or action, 50 a page unless asked otherwise, and DeleteAlarms deletes them, all or none.
//! Composite alarms are not kept: PutCompositeAlarm answers that it is not implemented.

use std::collections::BTreeMap;

use smithy_server_runtime::Timestamp;

use crate::error::{
    DeleteAlarmsError, DescribeAlarmsError, InvalidNextToken, PutMetricAlarmError, ResourceNotFound,
};
use crate::model::{
    AlarmType, DescribeAlarmsInput, DescribeAlarmsOutput, MetricAlarm, PutMetricAlarmInput,
    StateValue,
};
use crate::{paging, validation_error};

/// DescribeAlarms' default page size.
const DEFAULT_RECORDS: usize = 50;
/// The longest an alarm may look back: `EvaluationPeriods` × `Period`, one day.
const MAX_EVALUATION_SECONDS: i64 = 24 * 3600;
/// What `TreatMissingData` may say.
const TREAT_MISSING_DATA: [&str; 4] = ["breaching", "notBreaching", "ignore", "missing"];

/// The metric alarms, by name.
#[derive(Debug, Default)]
pub(crate) struct Alarms {
    by_name: BTreeMap<String, MetricAlarm>,
}

impl Alarms {
    /// PutMetricAlarm: a new alarm starts in `INSUFFICIENT_DATA`; an update keeps its state.
    pub(crate) fn put(
        &mut self,
        input: PutMetricAlarmInput,
        arn: String,
        now: Timestamp,
    ) -> Result<(), PutMetricAlarmError> {
        check(&input)?;
        let previous = self.by_name.remove(&input.alarm_name);
        let alarm = MetricAlarm {
            alarm_arn: Some(arn),
            alarm_configuration_updated_timestamp: Some(now),
            state_value: Some(StateValue::InsufficientData),
            state_reason: Some("Unchecked: Initial alarm creation".to_owned()),
            state_updated_timestamp: Some(now),
            state_transitioned_timestamp: Some(now),
            actions_enabled: Some(input.actions_enabled.unwrap_or(true)),
            ok_actions: Some(input.ok_actions.unwrap_or_default()),
            alarm_actions: Some(input.alarm_actions.unwrap_or_default()),
            insufficient_data_actions: Some(input.insufficient_data_actions.unwrap_or_default()),
            dimensions: Some(input.dimensions.unwrap_or_default()),
            alarm_name: Some(input.alarm_name.clone()),
            alarm_description: input.alarm_description,
            metric_name: input.metric_name,
            namespace: input.namespace,
            statistic: input.statistic,
            extended_statistic: input.extended_statistic,
            period: input.period,
            unit: input.unit,
            evaluation_periods: Some(input.evaluation_periods),
            datapoints_to_alarm: input.datapoints_to_alarm,
            threshold: input.threshold,
            comparison_operator: Some(input.comparison_operator),
            treat_missing_data: input.treat_missing_data,
            evaluate_low_sample_count_percentile: input.evaluate_low_sample_count_percentile,
            metrics: input.metrics,
            threshold_metric_id: input.threshold_metric_id,
            ..MetricAlarm::default()
        };
        let alarm = match previous {
            Some(previous) => MetricAlarm {
                state_value: previous.state_value,
                state_reason: previous.state_reason,
                state_reason_data: previous.state_reason_data,
                state_updated_timestamp: previous.state_updated_timestamp,
                state_transitioned_timestamp: previous.state_transitioned_timestamp,
                ..alarm
            },
            None => alarm,
        };
        self.by_name.insert(input.alarm_name, alarm);
        Ok(())
    }

    /// DescribeAlarms: the metric alarms that pass every filter, in name order.
    pub(crate) fn describe(
        &self,
        input: &DescribeAlarmsInput,
    ) -> Result<DescribeAlarmsOutput, DescribeAlarmsError> {
        if input.alarm_names.is_some() && input.alarm_name_prefix.is_some() {
            return Err(validation_error(
                "AlarmNames and AlarmNamePrefix cannot be given together.",
            )
            .into());
        }
        let start = match &input.next_token {
            None => 0,
            Some(token) => paging::offset("DescribeAlarms", token).ok_or_else(|| {
                InvalidNextToken::new("The service couldn't process the NextToken.")
            })?,
        };
        let types = input.alarm_types.as_deref();
        let metric_alarms_wanted = types.is_none_or(|t| t.contains(&AlarmType::MetricAlarm));
        // Composite alarms are not kept, so none is a child or a parent of another alarm.
        let related =
            input.children_of_alarm_name.is_some() || input.parents_of_alarm_name.is_some();
        let matching: Vec<MetricAlarm> = if metric_alarms_wanted && !related {
            self.by_name
                .values()
                .filter(|alarm| passes(alarm, input))
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        let size = input.max_records.map_or(DEFAULT_RECORDS, |n| n as usize);
        let (page, next_token) = paging::page("DescribeAlarms", &matching, start, size);
        Ok(DescribeAlarmsOutput {
            composite_alarms: Some(Vec::new()),
            metric_alarms: Some(page),
            next_token,
        })
    }

    /// DeleteAlarms: every named alarm, or, when one does not exist, none.
    pub(crate) fn delete(&mut self, names: &[String]) -> Result<(), DeleteAlarmsError> {
        if let Some(missing) = names.iter().find(|n| !self.by_name.contains_key(*n)) {
            return Err(ResourceNotFound::new(format!("Alarm {missing} does not exist.")).into());
        }
        for name in names {
            self.by_name.remove(name);
        }
        Ok(())
    }
}

/// Whether an alarm passes DescribeAlarms' filters of names, prefix, state and action prefix.
fn passes(alarm: &MetricAlarm, input: &DescribeAlarmsInput) -> bool {
    let name = alarm.alarm_name.as_deref().unwrap_or_default();
    let actions = [
        &alarm.alarm_actions,
        &alarm.ok_actions,
        &alarm.insufficient_data_actions,
    ];
    input
        .alarm_names
        .as_ref()
        .is_none_or(|names| names.iter().any(|n| n == name))
        && input
            .alarm_name_prefix
            .as_ref()
            .is_none_or(|prefix| name.starts_with(prefix.as_str()))
        && input
            .state_value
            .is_none_or(|state| alarm.state_value == Some(state))
        && input.action_prefix.as_ref().is_none_or(|prefix| {
            actions
                .into_iter()
                .flatten()
                .flatten()
                .any(|action| action.starts_with(prefix.as_str()))
        })
}

/// What CloudWatch refuses in a metric alarm: a metric named both ways or neither, a missing
/// statistic or threshold, a bad period, evaluation range or `TreatMissingData`.
fn check(input: &PutMetricAlarmInput) -> Result<(), PutMetricAlarmError> {
    match problem(input) {
        Some(message) => Err(validation_error(message).into()),
        None => Ok(()),
    }
}

/// The first thing wrong with an alarm, if anything.
fn problem(input: &PutMetricAlarmInput) -> Option<String> {
    let single_metric = input.metric_name.is_some()
        || input.namespace.is_some()
        || input.statistic.is_some()
        || input.extended_statistic.is_some()
        || input.period.is_some();
    if input.metrics.is_none() {
        if let Some(problem) = single_metric_problem(input) {
            return Some(problem);
        }
    } else if single_metric {
        return Some(
            "Metrics cannot be given with MetricName, Namespace, Statistic, \
             ExtendedStatistic or Period."
                .to_owned(),
        );
    }
    if input.threshold.is_none() && input.threshold_metric_id.is_none() {
        return Some("One of Threshold and ThresholdMetricId is required.".to_owned());
    }
    if let Some(treat) = input.treat_missing_data.as_deref()
        && !TREAT_MISSING_DATA.contains(&treat)
    {
        return Some(format!(
            "The value {treat} for parameter TreatMissingData is invalid: it is one of {}.",
            TREAT_MISSING_DATA.join(", ")
        ));
    }
    let most = input.evaluation_periods;
    if input.datapoints_to_alarm.is_some_and(|n| n < 1 || n > most) {
        return Some("DatapointsToAlarm must be between 1 and EvaluationPeriods.".to_owned());
    }
    None
}

/// What is wrong with an alarm on one metric, if anything.
fn single_metric_problem(input: &PutMetricAlarmInput) -> Option<String> {
    if input.metric_name.is_none() || input.namespace.is_none() {
        return Some("MetricName and Namespace are required unless Metrics is given.".to_owned());
    }
    if input.statistic.is_some() == input.extended_statistic.is_some() {
        return Some("Exactly one of Statistic and ExtendedStatistic is required.".to_owned());
    }
    let Some(period) = input.period else {
        return Some("Period is required unless Metrics is given.".to_owned());
    };
    if !(matches!(period, 10 | 30) || period % 60 == 0) {
        return Some(format!(
            "The value {period} for parameter Period is invalid: it is 10, 30 or a multiple of 60."
        ));
    }
    let seconds = i64::from(period) * i64::from(input.evaluation_periods);
    (seconds > MAX_EVALUATION_SECONDS).then(|| {
        format!(
            "The evaluation period (EvaluationPeriods × Period, {seconds} seconds) cannot \
             exceed {MAX_EVALUATION_SECONDS} seconds."
        )
    })
}
