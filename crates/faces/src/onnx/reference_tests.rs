//! The interpreter against onnxruntime: outputs of the committed models on fixed integer
//! patterns, compared with the values onnxruntime gave for the same inputs
//! (`models/reference.py` wrote `reference_values.rs`).

use super::reference_values::{EXPRESSION_112, RESNET_150, RETINAFACE_64X64, RETINAFACE_72X40};
use super::{Model, Tensor};
use crate::models;

/// Largest difference allowed between an element here and onnxruntime's.
const TOLERANCE: f32 = 1e-4;

/// What the reference file keeps of a large output.
pub(super) struct OutputSummary {
    pub(super) shape: &'static [usize],
    pub(super) sum: f64,
    pub(super) abs_sum: f64,
    pub(super) samples: &'static [(usize, f32)],
}

/// `value[c, y, x] = ((7x + 13y + 29c + xy) mod 256) + offset`, as `reference.py` builds it.
fn pattern(channels: usize, height: usize, width: usize, offset: f32) -> Tensor {
    let mut values = Vec::with_capacity(channels * height * width);
    for c in 0..channels {
        for y in 0..height {
            for x in 0..width {
                values.push(((7 * x + 13 * y + 29 * c + x * y) % 256) as f32 + offset);
            }
        }
    }
    Tensor::f32(vec![1, channels, height, width], values).unwrap()
}

fn max_difference(actual: &[f32], expected: &[f32]) -> f32 {
    assert_eq!(actual.len(), expected.len());
    actual
        .iter()
        .zip(expected)
        .map(|(a, e)| (a - e).abs())
        .fold(0.0, f32::max)
}

fn check_detector(height: usize, width: usize, expected: &[OutputSummary; 3]) {
    let model = Model::load(models::RETINAFACE).unwrap();
    let outputs = model.run(vec![pattern(3, height, width, -120.0)]).unwrap();
    for (output, (name, expected)) in outputs
        .iter()
        .zip(["loc", "conf", "landmarks"].iter().zip(expected))
    {
        assert_eq!(output.shape, expected.shape, "{name} shape");
        let values = output.as_f32().unwrap();
        let worst = expected
            .samples
            .iter()
            .map(|&(index, value)| (values[index] - value).abs())
            .fold(0.0, f32::max);
        let sum: f64 = values.iter().map(|&v| f64::from(v)).sum();
        let abs_sum: f64 = values.iter().map(|&v| f64::from(v.abs())).sum();
        println!(
            "RetinaFace {height}x{width} {name}: max sample difference {worst:.2e}, sum {sum:.6} (onnxruntime {:.6})",
            expected.sum
        );
        assert!(worst <= TOLERANCE, "{name}: sample differs by {worst}");
        let sum_tolerance = f64::from(TOLERANCE) * values.len() as f64;
        assert!(
            (sum - expected.sum).abs() <= sum_tolerance,
            "{name}: sum {sum} vs {}",
            expected.sum
        );
        assert!(
            (abs_sum - expected.abs_sum).abs() <= sum_tolerance,
            "{name}: abs sum {abs_sum}"
        );
    }
}

#[test]
fn retinaface_matches_onnxruntime_on_a_square_pattern() {
    check_detector(64, 64, &RETINAFACE_64X64);
}

#[test]
fn retinaface_matches_onnxruntime_when_the_pyramid_sizes_are_odd() {
    // 72×40 gives feature maps of 9×5, 5×3 and 3×2, so the FPN upsamples by sizes that are
    // not twice the input's.
    check_detector(72, 40, &RETINAFACE_72X40);
}

#[test]
fn resnet_descriptor_matches_onnxruntime() {
    let model = Model::load(models::RESNET).unwrap();
    let outputs = model.run(vec![pattern(3, 150, 150, 0.0)]).unwrap();
    assert_eq!(outputs[0].shape, [1, 128]);
    let worst = max_difference(outputs[0].as_f32().unwrap(), &RESNET_150);
    println!("ResNet descriptor: max difference {worst:.2e} over 128 values");
    assert!(worst <= TOLERANCE, "descriptor differs by {worst}");
}

#[test]
fn expression_probabilities_match_onnxruntime() {
    let model = Model::load(models::EXPRESSION).unwrap();
    let outputs = model.run(vec![pattern(3, 112, 112, 0.0)]).unwrap();
    assert_eq!(outputs[0].shape, [1, 7]);
    let worst = max_difference(outputs[0].as_f32().unwrap(), &EXPRESSION_112);
    println!("Expression probabilities: max difference {worst:.2e}");
    assert!(worst <= TOLERANCE, "probabilities differ by {worst}");
}

#[test]
fn unknown_operators_are_refused_at_load() {
    // A graph with one node of type "Frobnicate": ModelProto { graph { node { op_type } } }.
    let node = [&[0x22, 10][..], b"Frobnicate"].concat();
    let graph = [&[0x0a, node.len() as u8][..], &node].concat();
    let opset = [0x10, 13];
    let model = [
        &[0x3a, graph.len() as u8][..],
        &graph,
        &[0x42, opset.len() as u8],
        &opset,
    ]
    .concat();
    let error = Model::load(&model).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("operator Frobnicate is not supported"),
        "{error}"
    );
}
