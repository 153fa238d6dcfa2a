//! Operators that move elements without arithmetic: concatenation, reshaping, transposition,
//! padding, gathering, slicing and nearest-neighbour resizing. Most work on any element type,
//! since the detector computes its upsampling sizes with i64 shape tensors.

use super::ops::Inputs;
use super::tensor::{Data, Tensor, axis_index, strides};
use super::{OnnxError, bail};

/// An element type a [`Tensor`] can hold.
pub(crate) trait Element: Copy + Default {
    fn slice(tensor: &Tensor) -> Option<&[Self]>;
    fn wrap(values: Vec<Self>) -> Data;
}

impl Element for f32 {
    fn slice(tensor: &Tensor) -> Option<&[f32]> {
        if let Data::F32(v) = &tensor.data {
            Some(v)
        } else {
            None
        }
    }
    fn wrap(values: Vec<f32>) -> Data {
        Data::F32(values)
    }
}

impl Element for i64 {
    fn slice(tensor: &Tensor) -> Option<&[i64]> {
        if let Data::I64(v) = &tensor.data {
            Some(v)
        } else {
            None
        }
    }
    fn wrap(values: Vec<i64>) -> Data {
        Data::I64(values)
    }
}

impl Element for u8 {
    fn slice(tensor: &Tensor) -> Option<&[u8]> {
        if let Data::U8(v) = &tensor.data {
            Some(v)
        } else {
            None
        }
    }
    fn wrap(values: Vec<u8>) -> Data {
        Data::U8(values)
    }
}

/// Calls a generic function with the element type of `$tensor`.
macro_rules! by_type {
    ($tensor:expr, $function:ident($($arg:expr),*)) => {
        match $tensor.data {
            Data::F32(_) => $function::<f32>($($arg),*),
            Data::I64(_) => $function::<i64>($($arg),*),
            Data::U8(_) => $function::<u8>($($arg),*),
        }
    };
}

fn values<T: Element>(tensor: &Tensor) -> Result<&[T], OnnxError> {
    match T::slice(tensor) {
        Some(values) => Ok(values),
        None => bail!("inputs of different element types ({})", tensor.type_name()),
    }
}

/// Joins the inputs along `axis`.
pub(crate) fn concat(inputs: &Inputs, axis: i64) -> Result<Tensor, OnnxError> {
    let mut parts = Vec::new();
    let mut index = 0;
    while let Ok(tensor) = inputs.get(index) {
        parts.push(tensor);
        index += 1;
    }
    let Some(first) = parts.first() else {
        bail!("Concat without inputs")
    };
    by_type!(first, concat_typed(&parts, axis))
}

fn concat_typed<T: Element>(parts: &[&Tensor], axis: i64) -> Result<Tensor, OnnxError> {
    let rank = parts[0].shape.len();
    let axis = axis_index(axis, rank)?;
    let mut shape = parts[0].shape.clone();
    shape[axis] = 0;
    for part in parts {
        let same_rest = part.shape.len() == rank
            && (0..rank).all(|a| a == axis || part.shape[a] == parts[0].shape[a]);
        if !same_rest {
            bail!(
                "cannot join shapes {:?} and {:?} on axis {axis}",
                parts[0].shape,
                part.shape
            );
        }
        shape[axis] += part.shape[axis];
    }
    let outer: usize = shape[..axis].iter().product();
    let inner: usize = shape[axis + 1..].iter().product();
    let mut out = Vec::with_capacity(shape.iter().product());
    for o in 0..outer {
        for part in parts {
            let chunk = part.shape[axis] * inner;
            out.extend_from_slice(&values::<T>(part)?[o * chunk..(o + 1) * chunk]);
        }
    }
    Ok(Tensor {
        shape,
        data: T::wrap(out),
    })
}

/// Reshape: 0 keeps the input's dimension, -1 takes what is left.
pub(crate) fn reshape(tensor: Tensor, target: &[i64]) -> Result<Tensor, OnnxError> {
    let mut shape = Vec::with_capacity(target.len());
    let mut infer = None;
    for (axis, &dim) in target.iter().enumerate() {
        match dim {
            -1 if infer.is_none() => {
                infer = Some(axis);
                shape.push(1);
            }
            0 => match tensor.shape.get(axis) {
                Some(&d) => shape.push(d),
                None => bail!("Reshape copies axis {axis} the input lacks"),
            },
            d if d > 0 => shape.push(d as usize),
            d => bail!("Reshape dimension {d} is not supported"),
        }
    }
    if let Some(axis) = infer {
        let known: usize = shape.iter().product();
        if known == 0 || !tensor.len().is_multiple_of(known) {
            bail!("cannot reshape {:?} to {target:?}", tensor.shape);
        }
        shape[axis] = tensor.len() / known;
    }
    tensor.reshaped(shape)
}

/// Flatten: everything before `axis` becomes the rows, the rest the columns.
pub(crate) fn flatten(tensor: Tensor, axis: i64) -> Result<Tensor, OnnxError> {
    let rank = tensor.shape.len();
    let axis = if axis == rank as i64 {
        rank
    } else {
        axis_index(axis, rank)?
    };
    let rows = tensor.shape[..axis].iter().product();
    let columns = tensor.shape[axis..].iter().product();
    tensor.reshaped(vec![rows, columns])
}

/// Inserts axes of size one.
pub(crate) fn unsqueeze(tensor: Tensor, axes: &[i64]) -> Result<Tensor, OnnxError> {
    let rank = tensor.shape.len() + axes.len();
    let mut resolved = axes
        .iter()
        .map(|&a| axis_index(a, rank))
        .collect::<Result<Vec<_>, _>>()?;
    resolved.sort_unstable();
    let mut shape = tensor.shape.clone();
    for axis in resolved {
        shape.insert(axis, 1);
    }
    tensor.reshaped(shape)
}

/// Permutes the axes (reverses them when no permutation is given).
pub(crate) fn transpose(tensor: &Tensor, perm: Option<&[usize]>) -> Result<Tensor, OnnxError> {
    let rank = tensor.shape.len();
    let perm: Vec<usize> = perm.map_or_else(|| (0..rank).rev().collect(), <[usize]>::to_vec);
    let mut sorted = perm.clone();
    sorted.sort_unstable();
    if sorted != (0..rank).collect::<Vec<_>>() {
        bail!("{perm:?} is not a permutation of {rank} axes");
    }
    by_type!(tensor, transpose_typed(tensor, &perm))
}

fn transpose_typed<T: Element>(tensor: &Tensor, perm: &[usize]) -> Result<Tensor, OnnxError> {
    let input = values::<T>(tensor)?;
    let in_strides = strides(&tensor.shape);
    let shape: Vec<usize> = perm.iter().map(|&a| tensor.shape[a]).collect();
    let source_strides: Vec<usize> = perm.iter().map(|&a| in_strides[a]).collect();
    let Some((&inner, outer)) = shape.split_last() else {
        return Ok(tensor.clone());
    };
    let inner_stride = source_strides[shape.len() - 1];
    let mut out = Vec::with_capacity(input.len());
    for_each_index(outer, |index| {
        let base: usize = index.iter().zip(&source_strides).map(|(i, s)| i * s).sum();
        out.extend((0..inner).map(|i| input[base + i * inner_stride]));
    });
    Ok(Tensor {
        shape,
        data: T::wrap(out),
    })
}

/// Calls `visit` with every index of `shape`, in row-major order.
pub(crate) fn for_each_index(shape: &[usize], mut visit: impl FnMut(&[usize])) {
    if shape.contains(&0) {
        return;
    }
    let mut index = vec![0; shape.len()];
    loop {
        visit(&index);
        let mut axis = shape.len();
        loop {
            if axis == 0 {
                return;
            }
            axis -= 1;
            index[axis] += 1;
            if index[axis] < shape[axis] {
                break;
            }
            index[axis] = 0;
        }
    }
}

/// Constant padding with non-negative amounts: `pads` holds every axis's start, then every end.
pub(crate) fn pad(inputs: &Inputs) -> Result<Tensor, OnnxError> {
    let tensor = inputs.get(0)?;
    let pads = inputs.get(1)?.to_i64s()?;
    let fill = match inputs.optional(2) {
        Some(value) => value.as_f32()?.first().copied().unwrap_or(0.0),
        None => 0.0,
    };
    let input = tensor.as_f32()?;
    let rank = tensor.shape.len();
    if pads.len() != 2 * rank || pads.iter().any(|&p| p < 0) {
        bail!("pads {pads:?} do not fit rank {rank} (negative pads are not supported)");
    }
    let before: Vec<usize> = pads[..rank].iter().map(|&p| p as usize).collect();
    let shape: Vec<usize> = (0..rank)
        .map(|a| tensor.shape[a] + before[a] + pads[rank + a] as usize)
        .collect();
    let out_strides = strides(&shape);
    let mut out = vec![fill; shape.iter().product()];
    let Some(&row) = tensor.shape.last() else {
        return Tensor::f32(shape, input.to_vec());
    };
    let rows = &tensor.shape[..rank - 1];
    let mut source = 0;
    for_each_index(rows, |index| {
        let offset: usize = index
            .iter()
            .enumerate()
            .map(|(a, &i)| (i + before[a]) * out_strides[a])
            .sum::<usize>()
            + before[rank - 1];
        out[offset..offset + row].copy_from_slice(&input[source..source + row]);
        source += row;
    });
    Tensor::f32(shape, out)
}

/// Gather along `axis` with i64 indices (negative ones count from the end).
pub(crate) fn gather(data: &Tensor, indices: &Tensor, axis: i64) -> Result<Tensor, OnnxError> {
    by_type!(data, gather_typed(data, indices, axis))
}

fn gather_typed<T: Element>(
    data: &Tensor,
    indices: &Tensor,
    axis: i64,
) -> Result<Tensor, OnnxError> {
    let input = values::<T>(data)?;
    let axis = axis_index(axis, data.shape.len())?;
    let length = data.shape[axis];
    let outer: usize = data.shape[..axis].iter().product();
    let inner: usize = data.shape[axis + 1..].iter().product();
    let picks = indices
        .as_i64()?
        .iter()
        .map(|&i| {
            let resolved = if i < 0 { i + length as i64 } else { i };
            if resolved < 0 || resolved >= length as i64 {
                bail!("index {i} is out of range for length {length}");
            }
            Ok(resolved as usize)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::with_capacity(outer * picks.len() * inner);
    for o in 0..outer {
        for &pick in &picks {
            let start = (o * length + pick) * inner;
            out.extend_from_slice(&input[start..start + inner]);
        }
    }
    let mut shape = data.shape[..axis].to_vec();
    shape.extend_from_slice(&indices.shape);
    shape.extend_from_slice(&data.shape[axis + 1..]);
    Ok(Tensor {
        shape,
        data: T::wrap(out),
    })
}

/// Slice (opset 10 and later) with positive steps.
pub(crate) fn slice(inputs: &Inputs) -> Result<Tensor, OnnxError> {
    let data = inputs.get(0)?;
    let starts = inputs.get(1)?.to_i64s()?;
    let ends = inputs.get(2)?.to_i64s()?;
    let rank = data.shape.len();
    let axes = match inputs.optional(3) {
        Some(axes) => axes.to_i64s()?,
        None => (0..starts.len() as i64).collect(),
    };
    let steps = match inputs.optional(4) {
        Some(steps) => steps.to_i64s()?,
        None => vec![1; starts.len()],
    };
    if ends.len() != starts.len() || axes.len() != starts.len() || steps.len() != starts.len() {
        bail!("Slice bounds of different lengths");
    }
    let mut begin = vec![0; rank];
    let mut shape = data.shape.clone();
    let mut step = vec![1; rank];
    for i in 0..starts.len() {
        let axis = axis_index(axes[i], rank)?;
        if steps[i] <= 0 {
            bail!("Slice step {} is not supported", steps[i]);
        }
        let length = data.shape[axis] as i64;
        let clamp = |v: i64| {
            if v < 0 {
                (v + length).max(0)
            } else {
                v.min(length)
            }
        };
        let (start, end) = (clamp(starts[i]), clamp(ends[i]));
        begin[axis] = start as usize;
        step[axis] = steps[i] as usize;
        shape[axis] = if end > start {
            ((end - start + steps[i] - 1) / steps[i]) as usize
        } else {
            0
        };
    }
    by_type!(data, slice_typed(data, &begin, &step, shape))
}

fn slice_typed<T: Element>(
    data: &Tensor,
    begin: &[usize],
    step: &[usize],
    shape: Vec<usize>,
) -> Result<Tensor, OnnxError> {
    let input = values::<T>(data)?;
    let in_strides = strides(&data.shape);
    let mut out = Vec::with_capacity(shape.iter().product());
    for_each_index(&shape, |index| {
        let offset: usize = (0..index.len())
            .map(|a| (begin[a] + index[a] * step[a]) * in_strides[a])
            .sum();
        out.push(input[offset]);
    });
    Ok(Tensor {
        shape,
        data: T::wrap(out),
    })
}

/// Resize (opset 11 and later) of the two last axes, nearest neighbour with `asymmetric`
/// coordinates and `floor` rounding: output pixel `x` reads input pixel `floor(x / scale)`.
#[derive(Debug)]
pub(crate) struct ResizeNearest;

impl ResizeNearest {
    pub(crate) fn run(&self, inputs: &Inputs) -> Result<Tensor, OnnxError> {
        let tensor = inputs.get(0)?;
        let input = tensor.as_f32()?;
        let rank = tensor.shape.len();
        if rank < 2 {
            bail!("Resize of rank {rank} is not supported");
        }
        let (scales, shape) = if let Some(sizes) = inputs.optional(3) {
            let sizes = sizes.to_i64s()?;
            if sizes.len() != rank || sizes.iter().any(|&s| s <= 0) {
                bail!("Resize sizes {sizes:?} do not fit rank {rank}");
            }
            let shape: Vec<usize> = sizes.iter().map(|&s| s as usize).collect();
            let scales = (0..rank)
                .map(|a| shape[a] as f32 / tensor.shape[a] as f32)
                .collect();
            (scales, shape)
        } else if let Some(scales) = inputs.optional(2) {
            let scales = scales.as_f32()?.to_vec();
            if scales.len() != rank {
                bail!("Resize scales {scales:?} do not fit rank {rank}");
            }
            let shape = (0..rank)
                .map(|a| (tensor.shape[a] as f32 * scales[a]).floor() as usize)
                .collect();
            (scales, shape)
        } else {
            bail!("Resize needs scales or sizes");
        };
        if shape[..rank - 2] != tensor.shape[..rank - 2] {
            bail!("Resize of other axes than the last two is not supported");
        }
        let source = |out: usize, axis: usize| {
            ((out as f32 / scales[axis]).floor() as usize).min(tensor.shape[axis] - 1)
        };
        let (in_h, in_w) = (tensor.shape[rank - 2], tensor.shape[rank - 1]);
        let (out_h, out_w) = (shape[rank - 2], shape[rank - 1]);
        let columns: Vec<usize> = (0..out_w).map(|x| source(x, rank - 1)).collect();
        let planes: usize = shape[..rank - 2].iter().product();
        let mut out = Vec::with_capacity(planes * out_h * out_w);
        for plane in 0..planes {
            for y in 0..out_h {
                let row = &input[(plane * in_h + source(y, rank - 2)) * in_w..][..in_w];
                out.extend(columns.iter().map(|&x| row[x]));
            }
        }
        Tensor::f32(shape, out)
    }
}
