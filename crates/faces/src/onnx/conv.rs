//! 2-D convolution and pooling on NCHW tensors. A convolution is an im2col (built a band of
//! output rows at a time, so its scratch memory stays bounded) followed by a GEMM; 1×1 stride-1
//! convolutions skip the im2col, and depthwise ones (one input channel per group) are direct
//! loops, which vectorise and need no scratch at all.

use ndarray::linalg::general_mat_mul;
use ndarray::{ArrayView2, ArrayViewMut2, ShapeBuilder};

use super::ops::Activation;
use super::tensor::Tensor;
use super::{OnnxError, bail};

/// Upper bound on the im2col band, in f32 elements (1 MiB: the band stays in L2 cache).
const IM2COL_BAND: usize = 1 << 18;

/// A convolution's attributes as the file gives them, plus an activation fused at load.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ConvAttributes {
    pub(crate) strides: Vec<usize>,
    pub(crate) pads: Vec<usize>,
    pub(crate) dilations: Vec<usize>,
    pub(crate) group: usize,
    pub(crate) activation: Activation,
}

/// A convolution with its weights, ready to run.
#[derive(Debug)]
pub(crate) struct Conv {
    /// `[out_channels, in_channels / group, kernel_h, kernel_w]`, row-major: for each group,
    /// the GEMM's left matrix as it is.
    weights: Vec<f32>,
    bias: Vec<f32>,
    out_channels: usize,
    group_channels: usize,
    kernel: [usize; 2],
    strides: [usize; 2],
    /// Top, left, bottom, right.
    pads: [usize; 4],
    dilations: [usize; 2],
    group: usize,
    activation: Activation,
}

fn pair(values: &[usize], what: &str) -> Result<[usize; 2], OnnxError> {
    match values {
        [] => Ok([1; 2]),
        [a, b] if *a > 0 && *b > 0 => Ok([*a, *b]),
        _ => bail!("{what} {values:?} are not supported (2-D only)"),
    }
}

/// ONNX pads `[top, left, bottom, right]` as `[begin_h, begin_w, end_h, end_w]`.
fn pads4(pads: &[usize]) -> Result<[usize; 4], OnnxError> {
    match pads {
        [] => Ok([0; 4]),
        [t, l, b, r] => Ok([*t, *l, *b, *r]),
        _ => bail!("pads {pads:?} are not 2-D"),
    }
}

/// The output length of one axis, or an error when the kernel does not fit.
fn output_len(
    input: usize,
    pad: usize,
    kernel: usize,
    stride: usize,
    dilation: usize,
) -> Result<usize, OnnxError> {
    let span = dilation * (kernel - 1) + 1;
    if input + pad < span || stride == 0 {
        bail!("kernel {kernel} does not fit input {input} with padding {pad}");
    }
    Ok((input + pad - span) / stride + 1)
}

impl Conv {
    pub(crate) fn new(
        attributes: ConvAttributes,
        weight: &Tensor,
        bias: Option<Vec<f32>>,
    ) -> Result<Conv, OnnxError> {
        let [out_channels, group_channels, kh, kw] = weight.shape[..] else {
            bail!(
                "weights of shape {:?} are not a 2-D convolution's",
                weight.shape
            );
        };
        let group = attributes.group;
        if group == 0 || out_channels % group != 0 {
            bail!("group {group} does not divide {out_channels} output channels");
        }
        let bias = bias.unwrap_or_else(|| vec![0.0; out_channels]);
        if bias.len() != out_channels {
            bail!(
                "bias of {} values for {out_channels} output channels",
                bias.len()
            );
        }
        Ok(Conv {
            weights: weight.as_f32()?.to_vec(),
            bias,
            out_channels,
            group_channels,
            kernel: [kh, kw],
            strides: pair(&attributes.strides, "strides")?,
            pads: pads4(&attributes.pads)?,
            dilations: pair(&attributes.dilations, "dilations")?,
            group,
            activation: attributes.activation,
        })
    }

    /// Runs the convolution on an N×C×H×W tensor.
    pub(crate) fn run(&self, input: &Tensor) -> Result<Tensor, OnnxError> {
        let [batch, channels, height, width] = input.shape[..] else {
            bail!("Conv input of shape {:?} is not N×C×H×W", input.shape);
        };
        if channels != self.group_channels * self.group {
            bail!(
                "Conv input has {channels} channels, the weights expect {}",
                self.group_channels * self.group
            );
        }
        let [kh, kw] = self.kernel;
        let out_h = output_len(
            height,
            self.pads[0] + self.pads[2],
            kh,
            self.strides[0],
            self.dilations[0],
        )?;
        let out_w = output_len(
            width,
            self.pads[1] + self.pads[3],
            kw,
            self.strides[1],
            self.dilations[1],
        )?;
        let plane = out_h * out_w;
        let mut out = Vec::with_capacity(batch * self.out_channels * plane);
        for _ in 0..batch {
            for &b in &self.bias {
                out.extend(std::iter::repeat_n(b, plane));
            }
        }
        let values = input.as_f32()?;
        let geometry = Geometry {
            height,
            width,
            out_h,
            out_w,
        };
        let per_group = self.out_channels / self.group;
        for n in 0..batch {
            for g in 0..self.group {
                let channels = (n * channels + g * self.group_channels) * height * width;
                let source = &values[channels..channels + self.group_channels * height * width];
                let first = (n * self.out_channels + g * per_group) * plane;
                let target = &mut out[first..first + per_group * plane];
                let weights = &self.weights[g * per_group * self.group_channels * kh * kw..]
                    [..per_group * self.group_channels * kh * kw];
                if self.group_channels == 1 && per_group == 1 {
                    self.depthwise(source, weights, target, &geometry);
                } else {
                    self.gemm(source, weights, target, &geometry)?;
                }
            }
        }
        self.activation.apply(&mut out);
        Tensor::f32(vec![batch, self.out_channels, out_h, out_w], out)
    }

    /// The output column range `[first, last]` whose input column `x·stride + offset − pad` falls
    /// inside `0..len`, or `None` when there is none.
    fn valid_range(
        &self,
        axis: usize,
        tap: usize,
        len: usize,
        out_len: usize,
    ) -> Option<(usize, usize)> {
        let (stride, pad) = (self.strides[axis], self.pads[axis]);
        let offset = tap * self.dilations[axis];
        let first = pad.saturating_sub(offset).div_ceil(stride);
        let last = (len - 1 + pad).checked_sub(offset)? / stride;
        let last = last.min(out_len - 1);
        (first <= last).then_some((first, last))
    }

    /// One input channel to one output channel (which holds the bias already).
    fn depthwise(&self, source: &[f32], weights: &[f32], target: &mut [f32], g: &Geometry) {
        let [kh, kw] = self.kernel;
        let columns: Vec<Option<(usize, usize)>> = (0..kw)
            .map(|kx| self.valid_range(1, kx, g.width, g.out_w))
            .collect();
        for oy in 0..g.out_h {
            let out_row = &mut target[oy * g.out_w..(oy + 1) * g.out_w];
            for ky in 0..kh {
                let iy = (oy * self.strides[0] + ky * self.dilations[0]).checked_sub(self.pads[0]);
                let Some(iy) = iy.filter(|&iy| iy < g.height) else {
                    continue;
                };
                let in_row = &source[iy * g.width..(iy + 1) * g.width];
                for (kx, range) in columns.iter().enumerate() {
                    let Some((first, last)) = *range else {
                        continue;
                    };
                    let w = weights[ky * kw + kx];
                    let ix = first * self.strides[1] + kx * self.dilations[1] - self.pads[1];
                    let outputs = &mut out_row[first..=last];
                    if self.strides[1] == 1 {
                        outputs
                            .iter_mut()
                            .zip(&in_row[ix..])
                            .for_each(|(o, &i)| *o += w * i);
                    } else {
                        let inputs = in_row[ix..].iter().step_by(self.strides[1]);
                        outputs
                            .iter_mut()
                            .zip(inputs)
                            .for_each(|(o, &i)| *o += w * i);
                    }
                }
            }
        }
    }

    /// One group: `target[M, P] += weights[M, K] × columns[K, P]`, a band of rows at a time.
    fn gemm(
        &self,
        source: &[f32],
        weights: &[f32],
        target: &mut [f32],
        g: &Geometry,
    ) -> Result<(), OnnxError> {
        let [kh, kw] = self.kernel;
        let k = self.group_channels * kh * kw;
        let m = weights.len() / k;
        let plane = g.out_h * g.out_w;
        let shape_error = |e: ndarray::ShapeError| OnnxError::new(format!("Conv GEMM: {e}"));
        let a = ArrayView2::from_shape((m, k), weights).map_err(shape_error)?;
        let pointwise = kh == 1 && kw == 1 && self.strides == [1, 1] && self.pads == [0; 4];
        if pointwise {
            let b = ArrayView2::from_shape((k, plane), source).map_err(shape_error)?;
            let mut c = ArrayViewMut2::from_shape((m, plane), target).map_err(shape_error)?;
            general_mat_mul(1.0, &a, &b, 1.0, &mut c);
            return Ok(());
        }
        let band_rows = (IM2COL_BAND / (k * g.out_w).max(1)).clamp(1, g.out_h);
        let mut columns = vec![0.0; k * band_rows * g.out_w];
        for first_row in (0..g.out_h).step_by(band_rows) {
            let rows = band_rows.min(g.out_h - first_row);
            let width = rows * g.out_w;
            let band = &mut columns[..k * width];
            self.im2col(source, band, first_row, rows, g);
            let b = ArrayView2::from_shape((k, width), &*band).map_err(shape_error)?;
            let start = first_row * g.out_w;
            let end = (m - 1) * plane + start + width;
            let mut c =
                ArrayViewMut2::from_shape((m, width).strides((plane, 1)), &mut target[start..end])
                    .map_err(shape_error)?;
            general_mat_mul(1.0, &a, &b, 1.0, &mut c);
        }
        Ok(())
    }

    /// Fills `band[K, rows·out_w]` with the input values under each kernel tap, zero outside.
    fn im2col(
        &self,
        source: &[f32],
        band: &mut [f32],
        first_row: usize,
        rows: usize,
        g: &Geometry,
    ) {
        let [kh, kw] = self.kernel;
        let width = rows * g.out_w;
        for c in 0..self.group_channels {
            let plane = &source[c * g.height * g.width..(c + 1) * g.height * g.width];
            for ky in 0..kh {
                for kx in 0..kw {
                    let row = &mut band[((c * kh + ky) * kw + kx) * width..][..width];
                    row.fill(0.0);
                    let Some((first, last)) = self.valid_range(1, kx, g.width, g.out_w) else {
                        continue;
                    };
                    for r in 0..rows {
                        let oy = first_row + r;
                        let iy = (oy * self.strides[0] + ky * self.dilations[0])
                            .checked_sub(self.pads[0]);
                        let Some(iy) = iy.filter(|&iy| iy < g.height) else {
                            continue;
                        };
                        let in_row = &plane[iy * g.width..(iy + 1) * g.width];
                        let ix = first * self.strides[1] + kx * self.dilations[1] - self.pads[1];
                        let out = &mut row[r * g.out_w + first..=r * g.out_w + last];
                        if self.strides[1] == 1 {
                            out.copy_from_slice(&in_row[ix..ix + out.len()]);
                        } else {
                            let inputs = in_row[ix..].iter().step_by(self.strides[1]);
                            out.iter_mut().zip(inputs).for_each(|(o, &i)| *o = i);
                        }
                    }
                }
            }
        }
    }
}

/// Input and output plane sizes of one convolution run.
struct Geometry {
    height: usize,
    width: usize,
    out_h: usize,
    out_w: usize,
}

/// Which pooling, and how an average treats padding.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PoolKind {
    Max,
    Average { count_include_pad: bool },
}

/// MaxPool or AveragePool over the two last axes of an N×C×H×W tensor.
#[derive(Debug)]
pub(crate) struct Pool {
    pub(crate) kind: PoolKind,
    pub(crate) kernel: [usize; 2],
    pub(crate) strides: Vec<usize>,
    pub(crate) pads: Vec<usize>,
}

impl Pool {
    pub(crate) fn run(&self, input: &Tensor) -> Result<Tensor, OnnxError> {
        let [batch, channels, height, width] = input.shape[..] else {
            bail!("pooling input of shape {:?} is not N×C×H×W", input.shape);
        };
        let [sh, sw] = pair(&self.strides, "strides")?;
        let [top, left, bottom, right] = pads4(&self.pads)?;
        let [kh, kw] = self.kernel;
        let out_h = output_len(height, top + bottom, kh, sh, 1)?;
        let out_w = output_len(width, left + right, kw, sw, 1)?;
        let values = input.as_f32()?;
        let mut out = Vec::with_capacity(batch * channels * out_h * out_w);
        for plane in values.chunks(height * width) {
            for oy in 0..out_h {
                let y0 = (oy * sh) as isize - top as isize;
                let ys = y0.max(0) as usize..((y0 + kh as isize).min(height as isize)) as usize;
                for ox in 0..out_w {
                    let x0 = (ox * sw) as isize - left as isize;
                    let xs = x0.max(0) as usize..((x0 + kw as isize).min(width as isize)) as usize;
                    let window = ys
                        .clone()
                        .flat_map(|y| plane[y * width..][xs.clone()].iter().copied());
                    out.push(match self.kind {
                        PoolKind::Max => window.fold(f32::NEG_INFINITY, f32::max),
                        PoolKind::Average { count_include_pad } => {
                            let count = if count_include_pad {
                                kh * kw
                            } else {
                                ys.len() * xs.len()
                            };
                            window.sum::<f32>() / count as f32
                        }
                    });
                }
            }
        }
        Tensor::f32(vec![batch, channels, out_h, out_w], out)
    }
}
