//! The interpreter's tensor: a row-major shape and one of the three element types the face
//! models use (f32 activations and weights, i64 shapes and indices, u8 quantised filters).

use super::{OnnxError, bail};

/// Elements of a tensor, by type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Data {
    F32(Vec<f32>),
    I64(Vec<i64>),
    U8(Vec<u8>),
}

/// A dense row-major tensor.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tensor {
    pub(crate) shape: Vec<usize>,
    pub(crate) data: Data,
}

fn checked(shape: &[usize], len: usize) -> Result<(), OnnxError> {
    let expected: usize = shape.iter().product();
    if expected != len {
        bail!("shape {shape:?} needs {expected} elements, got {len}");
    }
    Ok(())
}

impl Tensor {
    pub(crate) fn f32(shape: Vec<usize>, values: Vec<f32>) -> Result<Tensor, OnnxError> {
        checked(&shape, values.len())?;
        Ok(Tensor {
            shape,
            data: Data::F32(values),
        })
    }

    pub(crate) fn i64(shape: Vec<usize>, values: Vec<i64>) -> Result<Tensor, OnnxError> {
        checked(&shape, values.len())?;
        Ok(Tensor {
            shape,
            data: Data::I64(values),
        })
    }

    pub(crate) fn u8(shape: Vec<usize>, values: Vec<u8>) -> Result<Tensor, OnnxError> {
        checked(&shape, values.len())?;
        Ok(Tensor {
            shape,
            data: Data::U8(values),
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.shape.iter().product()
    }

    pub(crate) fn type_name(&self) -> &'static str {
        match self.data {
            Data::F32(_) => "f32",
            Data::I64(_) => "i64",
            Data::U8(_) => "u8",
        }
    }

    pub(crate) fn as_f32(&self) -> Result<&[f32], OnnxError> {
        match &self.data {
            Data::F32(v) => Ok(v),
            _ => bail!("expected an f32 tensor, got {}", self.type_name()),
        }
    }

    pub(crate) fn into_f32(self) -> Result<Vec<f32>, OnnxError> {
        match self.data {
            Data::F32(v) => Ok(v),
            _ => bail!("expected an f32 tensor, got {}", self.type_name()),
        }
    }

    pub(crate) fn as_i64(&self) -> Result<&[i64], OnnxError> {
        match &self.data {
            Data::I64(v) => Ok(v),
            _ => bail!("expected an i64 tensor, got {}", self.type_name()),
        }
    }

    /// The tensor's values as i64, for shape-like inputs (also accepts f32 holding integers).
    pub(crate) fn to_i64s(&self) -> Result<Vec<i64>, OnnxError> {
        match &self.data {
            Data::I64(v) => Ok(v.clone()),
            Data::U8(v) => Ok(v.iter().map(|&x| i64::from(x)).collect()),
            Data::F32(v) => Ok(v.iter().map(|&x| x as i64).collect()),
        }
    }

    /// The same elements under another shape of the same size.
    pub(crate) fn reshaped(self, shape: Vec<usize>) -> Result<Tensor, OnnxError> {
        checked(&shape, self.len())?;
        Ok(Tensor {
            shape,
            data: self.data,
        })
    }
}

/// Row-major strides of a shape.
pub(crate) fn strides(shape: &[usize]) -> Vec<usize> {
    let mut strides = vec![1; shape.len()];
    for axis in (0..shape.len().saturating_sub(1)).rev() {
        strides[axis] = strides[axis + 1] * shape[axis + 1];
    }
    strides
}

/// Turns a possibly negative ONNX axis into an index below `rank`.
pub(crate) fn axis_index(axis: i64, rank: usize) -> Result<usize, OnnxError> {
    let resolved = if axis < 0 { axis + rank as i64 } else { axis };
    if resolved < 0 || resolved >= rank as i64 {
        bail!("axis {axis} is out of range for rank {rank}");
    }
    Ok(resolved as usize)
}
