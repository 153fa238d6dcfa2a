//! Arithmetic operators on f32 tensors: activations, broadcasting Add/Sub/Mul, Softmax,
//! global average pooling, and the matrix products (MatMul, Gemm) on a pure-Rust GEMM.

use ndarray::linalg::general_mat_mul;
use ndarray::{ArrayView2, ArrayViewMut2, ShapeBuilder};

use super::ops::{Activation, Inputs};
use super::shape_ops::for_each_index;
use super::tensor::{Tensor, axis_index, strides};
use super::{OnnxError, bail};

/// An element-wise activation, in place.
pub(crate) fn unary(mut tensor: Tensor, activation: Activation) -> Result<Tensor, OnnxError> {
    match &mut tensor.data {
        super::tensor::Data::F32(values) => activation.apply(values),
        _ => bail!("activation of a {} tensor", tensor.type_name()),
    }
    Ok(tensor)
}

/// The NumPy broadcast of two shapes.
fn broadcast_shape(a: &[usize], b: &[usize]) -> Result<Vec<usize>, OnnxError> {
    let rank = a.len().max(b.len());
    let dim = |shape: &[usize], axis: usize| {
        let offset = rank - shape.len();
        if axis < offset {
            1
        } else {
            shape[axis - offset]
        }
    };
    (0..rank)
        .map(|axis| match (dim(a, axis), dim(b, axis)) {
            (x, y) if x == y || y == 1 => Ok(x),
            (1, y) => Ok(y),
            _ => bail!("shapes {a:?} and {b:?} do not broadcast"),
        })
        .collect()
}

/// Strides that read `shape` as if broadcast to `target` (zero along stretched axes).
fn broadcast_strides(shape: &[usize], target: &[usize]) -> Vec<usize> {
    let own = strides(shape);
    let offset = target.len() - shape.len();
    (0..target.len())
        .map(|axis| {
            if axis < offset || shape[axis - offset] == 1 {
                0
            } else {
                own[axis - offset]
            }
        })
        .collect()
}

/// An element-wise binary operator with broadcasting, reusing the first input's buffer when
/// it has the output's shape and no other reader.
pub(crate) fn binary(mut inputs: Inputs, f: fn(f32, f32) -> f32) -> Result<Tensor, OnnxError> {
    let shape = broadcast_shape(&inputs.get(0)?.shape, &inputs.get(1)?.shape)?;
    let b = inputs.take(1)?;
    let rhs = b.as_f32()?;
    if inputs.get(0)?.shape == shape {
        let mut a = inputs.take(0)?.into_f32()?;
        if b.shape == shape {
            a.iter_mut().zip(rhs).for_each(|(x, &y)| *x = f(*x, y));
        } else if rhs.len() == 1 {
            a.iter_mut().for_each(|x| *x = f(*x, rhs[0]));
        } else {
            let b_strides = broadcast_strides(&b.shape, &shape);
            let mut position = 0;
            for_each_index(&shape, |index| {
                let offset: usize = index.iter().zip(&b_strides).map(|(i, s)| i * s).sum();
                a[position] = f(a[position], rhs[offset]);
                position += 1;
            });
        }
        return Tensor::f32(shape, a);
    }
    let a = inputs.get(0)?;
    let lhs = a.as_f32()?;
    let (a_strides, b_strides) = (
        broadcast_strides(&a.shape, &shape),
        broadcast_strides(&b.shape, &shape),
    );
    let mut out = Vec::with_capacity(shape.iter().product());
    for_each_index(&shape, |index| {
        let at = |s: &[usize]| index.iter().zip(s).map(|(i, s)| i * s).sum::<usize>();
        out.push(f(lhs[at(&a_strides)], rhs[at(&b_strides)]));
    });
    Tensor::f32(shape, out)
}

/// Softmax over `axis`, or over every axis from `axis` on when `coerce_2d` (opset < 13).
pub(crate) fn softmax(tensor: Tensor, axis: i64, coerce_2d: bool) -> Result<Tensor, OnnxError> {
    let axis = axis_index(axis, tensor.shape.len())?;
    let (length, inner) = if coerce_2d {
        (tensor.shape[axis..].iter().product(), 1)
    } else {
        (
            tensor.shape[axis],
            tensor.shape[axis + 1..].iter().product(),
        )
    };
    let shape = tensor.shape.clone();
    let mut values = tensor.into_f32()?;
    if length == 0 {
        return Tensor::f32(shape, values);
    }
    for block in values.chunks_mut(length * inner) {
        for start in 0..inner {
            let max = (0..length)
                .map(|i| block[start + i * inner])
                .fold(f32::NEG_INFINITY, f32::max);
            let mut sum = 0.0;
            for i in 0..length {
                let e = (block[start + i * inner] - max).exp();
                block[start + i * inner] = e;
                sum += e;
            }
            (0..length).for_each(|i| block[start + i * inner] /= sum);
        }
    }
    Tensor::f32(shape, values)
}

/// The mean of each N×C plane, as N×C×1×1.
pub(crate) fn global_average_pool(tensor: &Tensor) -> Result<Tensor, OnnxError> {
    if tensor.shape.len() < 3 {
        bail!("GlobalAveragePool of rank {}", tensor.shape.len());
    }
    let plane: usize = tensor.shape[2..].iter().product();
    let means = tensor
        .as_f32()?
        .chunks(plane.max(1))
        .map(|p| p.iter().sum::<f32>() / plane as f32);
    let mut shape = tensor.shape[..2].to_vec();
    shape.extend(std::iter::repeat_n(1, tensor.shape.len() - 2));
    Tensor::f32(shape, means.collect())
}

/// `c = alpha · a · b + beta · c` on row-major slices, through ndarray's GEMM.
#[allow(clippy::too_many_arguments)]
pub(crate) fn gemm_into(
    (m, k, n): (usize, usize, usize),
    alpha: f32,
    a: &[f32],
    a_transposed: bool,
    b: &[f32],
    b_transposed: bool,
    beta: f32,
    c: &mut [f32],
) -> Result<(), OnnxError> {
    let shape_error = |e: ndarray::ShapeError| OnnxError::new(format!("GEMM operand: {e}"));
    let a = if a_transposed {
        ArrayView2::from_shape((m, k).strides((1, m)), a)
    } else {
        ArrayView2::from_shape((m, k), a)
    }
    .map_err(shape_error)?;
    let b = if b_transposed {
        ArrayView2::from_shape((k, n).strides((1, k)), b)
    } else {
        ArrayView2::from_shape((k, n), b)
    }
    .map_err(shape_error)?;
    let mut c = ArrayViewMut2::from_shape((m, n), c).map_err(shape_error)?;
    general_mat_mul(alpha, &a, &b, beta, &mut c);
    Ok(())
}

/// MatMul of a matrix (or a stack of rows) by a constant 2-D matrix.
pub(crate) fn matmul(a: &Tensor, b: &Tensor) -> Result<Tensor, OnnxError> {
    let (Some((&k, rows)), &[k2, n]) = (a.shape.split_last(), &b.shape[..]) else {
        bail!("MatMul of {:?} by {:?} is not supported", a.shape, b.shape);
    };
    if k != k2 {
        bail!("MatMul of {:?} by {:?}", a.shape, b.shape);
    }
    let m: usize = rows.iter().product();
    let mut out = vec![0.0; m * n];
    gemm_into(
        (m, k, n),
        1.0,
        a.as_f32()?,
        false,
        b.as_f32()?,
        false,
        0.0,
        &mut out,
    )?;
    let mut shape = rows.to_vec();
    shape.push(n);
    Tensor::f32(shape, out)
}

/// Gemm: `alpha · A' · B' + beta · C`, with C broadcast to the output.
#[derive(Debug)]
pub(crate) struct Gemm {
    pub(crate) alpha: f32,
    pub(crate) beta: f32,
    pub(crate) trans_a: bool,
    pub(crate) trans_b: bool,
}

impl Gemm {
    pub(crate) fn run(&self, inputs: &Inputs) -> Result<Tensor, OnnxError> {
        let (a, b) = (inputs.get(0)?, inputs.get(1)?);
        let (&[a0, a1], &[b0, b1]) = (&a.shape[..], &b.shape[..]) else {
            bail!("Gemm of {:?} by {:?}", a.shape, b.shape);
        };
        let (m, k) = if self.trans_a { (a1, a0) } else { (a0, a1) };
        let (k2, n) = if self.trans_b { (b1, b0) } else { (b0, b1) };
        if k != k2 {
            bail!("Gemm of {:?} by {:?}", a.shape, b.shape);
        }
        let mut out = vec![0.0; m * n];
        if let Some(c) = inputs.optional(2) {
            let c_values = c.as_f32()?;
            if c.shape.len() > 2 || broadcast_shape(&c.shape, &[m, n])? != [m, n] {
                bail!("Gemm bias {:?} does not broadcast to {:?}", c.shape, [m, n]);
            }
            let c_strides = broadcast_strides(&c.shape, &[m, n]);
            for (row, chunk) in out.chunks_mut(n).enumerate() {
                for (column, value) in chunk.iter_mut().enumerate() {
                    *value = c_values[row * c_strides[0] + column * c_strides[1]];
                }
            }
        }
        let (a, b) = (a.as_f32()?, b.as_f32()?);
        gemm_into(
            (m, k, n),
            self.alpha,
            a,
            self.trans_a,
            b,
            self.trans_b,
            self.beta,
            &mut out,
        )?;
        Tensor::f32(vec![m, n], out)
    }
}
