//! The supported operators: reading each from its node's attributes (refusing anything else)
//! and dispatching a run to the module that computes it.

use std::sync::Arc;

use super::conv::{Conv, ConvAttributes, Pool, PoolKind};
use super::proto::{AttributeProto, NodeProto};
use super::shape_ops::{self, ResizeNearest};
use super::tensor::{Data, Tensor};
use super::{OnnxError, bail, math};

/// An activation applied to a convolution's output as it is produced.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Activation {
    None,
    Relu,
    LeakyRelu(f32),
}

impl Activation {
    pub(crate) fn apply(self, values: &mut [f32]) {
        match self {
            Activation::None => {}
            Activation::Relu => values.iter_mut().for_each(|v| *v = v.max(0.0)),
            Activation::LeakyRelu(alpha) => values
                .iter_mut()
                .for_each(|v| *v = if *v < 0.0 { *v * alpha } else { *v }),
        }
    }
}

/// Element types `Cast` may produce.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum CastTo {
    F32,
    I64,
    U8,
}

/// One supported operator with its attributes.
#[derive(Debug)]
pub(crate) enum Op {
    /// A convolution as read from the file; replaced by [`Op::Conv`] once its weights are packed.
    ConvAttributes(ConvAttributes),
    Conv(Box<Conv>),
    Relu,
    LeakyRelu(f32),
    Add,
    Sub,
    Mul,
    Concat(i64),
    Resize(ResizeNearest),
    Reshape,
    Transpose(Option<Vec<usize>>),
    /// `coerce_2d`: before opset 13 Softmax works on all axes from `axis` on, as one.
    Softmax {
        axis: i64,
        coerce_2d: bool,
    },
    Pool(Pool),
    GlobalAveragePool,
    Gemm(math::Gemm),
    MatMul,
    Flatten(i64),
    Pad,
    Cast(CastTo),
    Identity,
    Shape,
    Gather(i64),
    /// The axes, when they are an attribute (before opset 13) rather than the second input.
    Unsqueeze(Option<Vec<i64>>),
    Slice,
}

/// A node's attributes, looked up by name.
struct Attributes<'a>(&'a [AttributeProto]);

impl Attributes<'_> {
    fn get(&self, name: &str) -> Option<&AttributeProto> {
        self.0.iter().find(|a| a.name == name)
    }

    fn int(&self, name: &str, default: i64) -> i64 {
        self.get(name).and_then(|a| a.i).unwrap_or(default)
    }

    fn float(&self, name: &str, default: f32) -> f32 {
        self.get(name).and_then(|a| a.f).unwrap_or(default)
    }

    fn ints(&self, name: &str) -> Option<Vec<i64>> {
        self.get(name).map(|a| a.ints.clone())
    }

    fn string(&self, name: &str) -> Option<String> {
        self.get(name)
            .and_then(|a| a.s.as_ref())
            .map(|s| String::from_utf8_lossy(s).into_owned())
    }

    /// Refuses an attribute whose value the interpreter does not implement.
    fn require(&self, name: &str, allowed: &[&str], default: &str) -> Result<(), OnnxError> {
        let value = self.string(name).unwrap_or_else(|| default.to_owned());
        if !allowed.contains(&value.as_str()) {
            bail!("{name} = {value:?} is not supported (only {allowed:?})");
        }
        Ok(())
    }
}

fn usizes(values: Vec<i64>, what: &str) -> Result<Vec<usize>, OnnxError> {
    values
        .into_iter()
        .map(|v| usize::try_from(v).map_err(|_| OnnxError::new(format!("negative {what} {v}"))))
        .collect()
}

/// Reads a node's operator; `None` for a `Constant` node, whose value [`constant_value`] gives.
pub(crate) fn parse(node: &NodeProto, opset: i64) -> Result<Option<Op>, OnnxError> {
    let attrs = Attributes(&node.attributes);
    let op = match node.op_type.as_str() {
        "Constant" => return Ok(None),
        "Conv" => {
            attrs.require("auto_pad", &["NOTSET"], "NOTSET")?;
            Op::ConvAttributes(ConvAttributes {
                strides: usizes(attrs.ints("strides").unwrap_or_default(), "stride")?,
                pads: usizes(attrs.ints("pads").unwrap_or_default(), "pad")?,
                dilations: usizes(attrs.ints("dilations").unwrap_or_default(), "dilation")?,
                group: usizes(vec![attrs.int("group", 1)], "group")?[0],
                activation: Activation::None,
            })
        }
        "Relu" => Op::Relu,
        "LeakyRelu" => Op::LeakyRelu(attrs.float("alpha", 0.01)),
        "Add" => Op::Add,
        "Sub" => Op::Sub,
        "Mul" => Op::Mul,
        "Concat" => Op::Concat(attrs.int("axis", 0)),
        "Resize" => Op::Resize(parse_resize(&attrs, opset)?),
        "Reshape" => {
            if attrs.int("allowzero", 0) != 0 {
                bail!("Reshape with allowzero = 1 is not supported");
            }
            Op::Reshape
        }
        "Transpose" => Op::Transpose(attrs.ints("perm").map(|p| usizes(p, "axis")).transpose()?),
        "Softmax" => Op::Softmax {
            axis: attrs.int("axis", if opset < 13 { 1 } else { -1 }),
            coerce_2d: opset < 13,
        },
        "MaxPool" | "AveragePool" => Op::Pool(parse_pool(&attrs, &node.op_type)?),
        "GlobalAveragePool" => Op::GlobalAveragePool,
        "Gemm" => Op::Gemm(math::Gemm {
            alpha: attrs.float("alpha", 1.0),
            beta: attrs.float("beta", 1.0),
            trans_a: attrs.int("transA", 0) != 0,
            trans_b: attrs.int("transB", 0) != 0,
        }),
        "MatMul" => Op::MatMul,
        "Flatten" => Op::Flatten(attrs.int("axis", 1)),
        "Pad" => {
            attrs.require("mode", &["constant"], "constant")?;
            if opset < 11 {
                bail!("Pad before opset 11 (pads as an attribute) is not supported");
            }
            Op::Pad
        }
        "Cast" => Op::Cast(match attrs.int("to", 0) {
            1 => CastTo::F32,
            2 => CastTo::U8,
            7 => CastTo::I64,
            other => bail!("Cast to data type {other} is not supported"),
        }),
        "Identity" => Op::Identity,
        "Shape" => {
            if attrs.get("start").is_some() || attrs.get("end").is_some() {
                bail!("Shape with start or end is not supported");
            }
            Op::Shape
        }
        "Gather" => Op::Gather(attrs.int("axis", 0)),
        "Unsqueeze" => Op::Unsqueeze(attrs.ints("axes")),
        "Slice" => {
            if opset < 10 {
                bail!("Slice before opset 10 (bounds as attributes) is not supported");
            }
            Op::Slice
        }
        other => bail!("operator {other} is not supported"),
    };
    Ok(Some(op))
}

fn parse_resize(attrs: &Attributes<'_>, opset: i64) -> Result<ResizeNearest, OnnxError> {
    if opset < 11 {
        bail!("Resize before opset 11 is not supported");
    }
    attrs.require("mode", &["nearest"], "nearest")?;
    attrs.require(
        "coordinate_transformation_mode",
        &["asymmetric"],
        "half_pixel",
    )?;
    attrs.require("nearest_mode", &["floor"], "round_prefer_floor")?;
    Ok(ResizeNearest)
}

fn parse_pool(attrs: &Attributes<'_>, op_type: &str) -> Result<Pool, OnnxError> {
    attrs.require("auto_pad", &["NOTSET"], "NOTSET")?;
    if attrs.int("ceil_mode", 0) != 0 {
        bail!("ceil_mode = 1 is not supported");
    }
    if attrs
        .ints("dilations")
        .is_some_and(|d| d.iter().any(|&v| v != 1))
    {
        bail!("dilated pooling is not supported");
    }
    let kernel = usizes(
        attrs.ints("kernel_shape").unwrap_or_default(),
        "kernel size",
    )?;
    if kernel.len() != 2 {
        bail!("only 2-D pooling is supported, kernel_shape = {kernel:?}");
    }
    let kind = if op_type == "MaxPool" {
        PoolKind::Max
    } else {
        PoolKind::Average {
            count_include_pad: attrs.int("count_include_pad", 0) != 0,
        }
    };
    Ok(Pool {
        kind,
        kernel: [kernel[0], kernel[1]],
        strides: usizes(attrs.ints("strides").unwrap_or_default(), "stride")?,
        pads: usizes(attrs.ints("pads").unwrap_or_default(), "pad")?,
    })
}

/// The value of a `Constant` node.
pub(crate) fn constant_value(node: &NodeProto) -> Result<Tensor, OnnxError> {
    let attrs = Attributes(&node.attributes);
    if let Some(tensor) = attrs.get("value").and_then(|a| a.t.clone()) {
        return Ok(tensor);
    }
    if let Some(value) = attrs.get("value_float").and_then(|a| a.f) {
        return Tensor::f32(vec![], vec![value]);
    }
    if let Some(value) = attrs.get("value_int").and_then(|a| a.i) {
        return Tensor::i64(vec![], vec![value]);
    }
    if let Some(values) = attrs.get("value_ints") {
        return Tensor::i64(vec![values.ints.len()], values.ints.clone());
    }
    if let Some(values) = attrs.get("value_floats") {
        return Tensor::f32(vec![values.floats.len()], values.floats.clone());
    }
    bail!("Constant without a supported value attribute")
}

/// A node's input tensors; an omitted optional input is `None`.
pub(crate) struct Inputs {
    values: Vec<Option<Arc<Tensor>>>,
}

impl Inputs {
    pub(crate) fn new(values: Vec<Option<Arc<Tensor>>>) -> Inputs {
        Inputs { values }
    }

    pub(crate) fn get(&self, index: usize) -> Result<&Tensor, OnnxError> {
        match self.values.get(index) {
            Some(Some(tensor)) => Ok(tensor),
            _ => bail!("input {index} is missing"),
        }
    }

    /// An optional input; an empty tensor counts as omitted, as ONNX allows.
    pub(crate) fn optional(&self, index: usize) -> Option<&Tensor> {
        self.values
            .get(index)
            .and_then(Option::as_ref)
            .map(|t| &**t)
            .filter(|t| t.len() > 0)
    }

    /// Takes an input out, without copying when no one else holds it.
    pub(crate) fn take(&mut self, index: usize) -> Result<Tensor, OnnxError> {
        match self.values.get_mut(index).and_then(Option::take) {
            Some(tensor) => Ok(Arc::try_unwrap(tensor).unwrap_or_else(|shared| (*shared).clone())),
            None => bail!("input {index} is missing"),
        }
    }
}

impl Op {
    /// Computes the operator's outputs.
    pub(crate) fn eval(&self, mut inputs: Inputs) -> Result<Vec<Tensor>, OnnxError> {
        let output = match self {
            Op::ConvAttributes(attributes) => {
                let bias = inputs
                    .optional(2)
                    .map(|b| b.as_f32().map(<[f32]>::to_vec))
                    .transpose()?;
                let conv = Conv::new(attributes.clone(), inputs.get(1)?, bias)?;
                conv.run(inputs.get(0)?)?
            }
            Op::Conv(conv) => conv.run(inputs.get(0)?)?,
            Op::Relu => math::unary(inputs.take(0)?, Activation::Relu)?,
            Op::LeakyRelu(alpha) => math::unary(inputs.take(0)?, Activation::LeakyRelu(*alpha))?,
            Op::Add => math::binary(inputs, |a, b| a + b)?,
            Op::Sub => math::binary(inputs, |a, b| a - b)?,
            Op::Mul => math::binary(inputs, |a, b| a * b)?,
            Op::Concat(axis) => shape_ops::concat(&inputs, *axis)?,
            Op::Resize(resize) => resize.run(&inputs)?,
            Op::Reshape => shape_ops::reshape(inputs.take(0)?, &inputs.get(1)?.to_i64s()?)?,
            Op::Transpose(perm) => shape_ops::transpose(inputs.get(0)?, perm.as_deref())?,
            Op::Softmax { axis, coerce_2d } => math::softmax(inputs.take(0)?, *axis, *coerce_2d)?,
            Op::Pool(pool) => pool.run(inputs.get(0)?)?,
            Op::GlobalAveragePool => math::global_average_pool(inputs.get(0)?)?,
            Op::Gemm(gemm) => gemm.run(&inputs)?,
            Op::MatMul => math::matmul(inputs.get(0)?, inputs.get(1)?)?,
            Op::Flatten(axis) => shape_ops::flatten(inputs.take(0)?, *axis)?,
            Op::Pad => shape_ops::pad(&inputs)?,
            Op::Cast(to) => cast(inputs.take(0)?, *to),
            Op::Identity => inputs.take(0)?,
            Op::Shape => {
                let shape = &inputs.get(0)?.shape;
                Tensor::i64(vec![shape.len()], shape.iter().map(|&d| d as i64).collect())?
            }
            Op::Gather(axis) => shape_ops::gather(inputs.get(0)?, inputs.get(1)?, *axis)?,
            Op::Unsqueeze(axes) => {
                let axes = match axes {
                    Some(axes) => axes.clone(),
                    None => inputs.get(1)?.to_i64s()?,
                };
                shape_ops::unsqueeze(inputs.take(0)?, &axes)?
            }
            Op::Slice => shape_ops::slice(&inputs)?,
        };
        Ok(vec![output])
    }
}

fn cast(tensor: Tensor, to: CastTo) -> Tensor {
    let data = match (tensor.data, to) {
        (Data::F32(v), CastTo::F32) => Data::F32(v),
        (Data::I64(v), CastTo::I64) => Data::I64(v),
        (Data::U8(v), CastTo::U8) => Data::U8(v),
        (Data::U8(v), CastTo::F32) => Data::F32(v.into_iter().map(f32::from).collect()),
        (Data::I64(v), CastTo::F32) => Data::F32(v.into_iter().map(|x| x as f32).collect()),
        (Data::F32(v), CastTo::I64) => Data::I64(v.into_iter().map(|x| x as i64).collect()),
        (Data::U8(v), CastTo::I64) => Data::I64(v.into_iter().map(i64::from).collect()),
        (Data::F32(v), CastTo::U8) => Data::U8(v.into_iter().map(|x| x as u8).collect()),
        (Data::I64(v), CastTo::U8) => Data::U8(v.into_iter().map(|x| x as u8).collect()),
    };
    Tensor {
        shape: tensor.shape,
        data,
    }
}
