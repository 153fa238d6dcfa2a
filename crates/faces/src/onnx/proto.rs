//! A reader for the few ONNX protobuf messages the interpreter needs (model, graph, node,
//! attribute, tensor), straight from the wire format: no generated code, no `protoc`.
//!
//! Field numbers are those of `onnx.proto3` (ONNX 1.x). Unknown fields are skipped, as protobuf
//! requires, so newer files with extra metadata still load.

use super::tensor::Tensor;
use super::{OnnxError, bail};

/// The parts of a `ModelProto` the interpreter uses.
#[derive(Debug)]
pub(crate) struct ModelProto {
    /// The version of the default (`ai.onnx`) operator set the graph was written for.
    pub(crate) opset: i64,
    pub(crate) graph: GraphProto,
}

/// The parts of a `GraphProto` the interpreter uses.
#[derive(Debug, Default)]
pub(crate) struct GraphProto {
    pub(crate) nodes: Vec<NodeProto>,
    pub(crate) initializers: Vec<(String, Tensor)>,
    pub(crate) inputs: Vec<String>,
    pub(crate) outputs: Vec<String>,
}

/// One operator application; empty input names stand for omitted optional inputs.
#[derive(Debug, Default)]
pub(crate) struct NodeProto {
    pub(crate) name: String,
    pub(crate) op_type: String,
    pub(crate) domain: String,
    pub(crate) inputs: Vec<String>,
    pub(crate) outputs: Vec<String>,
    pub(crate) attributes: Vec<AttributeProto>,
}

/// A node attribute; which field is set depends on the attribute.
#[derive(Debug, Default)]
pub(crate) struct AttributeProto {
    pub(crate) name: String,
    pub(crate) f: Option<f32>,
    pub(crate) i: Option<i64>,
    pub(crate) s: Option<Vec<u8>>,
    pub(crate) t: Option<Tensor>,
    pub(crate) floats: Vec<f32>,
    pub(crate) ints: Vec<i64>,
}

/// One field's payload, by wire type.
enum Value<'a> {
    Varint(u64),
    Fixed64(u64),
    Bytes(&'a [u8]),
    Fixed32(u32),
}

/// A cursor over one message's bytes.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn varint(&mut self) -> Result<u64, OnnxError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let Some(&byte) = self.buf.get(self.pos) else {
                bail!("truncated varint at byte {}", self.pos);
            };
            self.pos += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        bail!("varint longer than 10 bytes at byte {}", self.pos)
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], OnnxError> {
        let end = self
            .pos
            .checked_add(len)
            .filter(|&end| end <= self.buf.len());
        let Some(end) = end else {
            bail!("field of {len} bytes runs past the end of its message");
        };
        let bytes = &self.buf[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }

    /// The next field number and payload, or `None` at the end of the message.
    fn field(&mut self) -> Result<Option<(u64, Value<'a>)>, OnnxError> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let key = self.varint()?;
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => Value::Fixed64(u64::from_le_bytes(
                self.take(8)?.try_into().unwrap_or([0; 8]),
            )),
            2 => {
                let len = usize::try_from(self.varint()?).unwrap_or(usize::MAX);
                Value::Bytes(self.take(len)?)
            }
            5 => Value::Fixed32(u32::from_le_bytes(
                self.take(4)?.try_into().unwrap_or([0; 4]),
            )),
            wire => bail!("unsupported protobuf wire type {wire}"),
        };
        Ok(Some((key >> 3, value)))
    }
}

fn bytes<'a>(value: &Value<'a>) -> Result<&'a [u8], OnnxError> {
    match value {
        Value::Bytes(b) => Ok(b),
        _ => bail!("expected a length-delimited field"),
    }
}

fn string(value: &Value<'_>) -> Result<String, OnnxError> {
    String::from_utf8(bytes(value)?.to_vec()).map_err(|_| OnnxError::new("string is not UTF-8"))
}

fn int(value: &Value<'_>) -> Result<i64, OnnxError> {
    match value {
        // Protobuf stores int64 as its two's-complement bits.
        Value::Varint(v) | Value::Fixed64(v) => Ok(*v as i64),
        _ => bail!("expected an integer field"),
    }
}

/// Appends a `repeated int64` field, packed or not.
fn push_ints(value: &Value<'_>, out: &mut Vec<i64>) -> Result<(), OnnxError> {
    if let Value::Bytes(packed) = value {
        let mut reader = Reader::new(packed);
        while reader.pos < packed.len() {
            out.push(reader.varint()? as i64);
        }
        Ok(())
    } else {
        out.push(int(value)?);
        Ok(())
    }
}

/// Appends a `repeated float` field, packed or not.
fn push_floats(value: &Value<'_>, out: &mut Vec<f32>) -> Result<(), OnnxError> {
    match value {
        Value::Bytes(packed) if packed.len() % 4 == 0 => {
            out.extend(
                packed
                    .chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
            );
            Ok(())
        }
        Value::Fixed32(bits) => {
            out.push(f32::from_bits(*bits));
            Ok(())
        }
        _ => bail!("malformed repeated float field"),
    }
}

/// Reads a serialized `ModelProto`.
pub(crate) fn parse_model(buf: &[u8]) -> Result<ModelProto, OnnxError> {
    let mut reader = Reader::new(buf);
    let mut graph = None;
    let mut opset = None;
    while let Some((number, value)) = reader.field()? {
        match number {
            7 => graph = Some(parse_graph(bytes(&value)?)?),
            8 => {
                let (domain, version) = parse_opset(bytes(&value)?)?;
                if domain.is_empty() || domain == "ai.onnx" {
                    opset = Some(version);
                }
            }
            _ => {}
        }
    }
    let Some(graph) = graph else {
        bail!("the model has no graph")
    };
    let Some(opset) = opset else {
        bail!("the model imports no ai.onnx operator set")
    };
    Ok(ModelProto { opset, graph })
}

fn parse_opset(buf: &[u8]) -> Result<(String, i64), OnnxError> {
    let mut reader = Reader::new(buf);
    let (mut domain, mut version) = (String::new(), 0);
    while let Some((number, value)) = reader.field()? {
        match number {
            1 => domain = string(&value)?,
            2 => version = int(&value)?,
            _ => {}
        }
    }
    Ok((domain, version))
}

fn parse_graph(buf: &[u8]) -> Result<GraphProto, OnnxError> {
    let mut reader = Reader::new(buf);
    let mut graph = GraphProto::default();
    while let Some((number, value)) = reader.field()? {
        match number {
            1 => graph.nodes.push(parse_node(bytes(&value)?)?),
            5 => graph.initializers.push(parse_tensor(bytes(&value)?)?),
            11 => graph.inputs.push(parse_value_info_name(bytes(&value)?)?),
            12 => graph.outputs.push(parse_value_info_name(bytes(&value)?)?),
            _ => {}
        }
    }
    Ok(graph)
}

fn parse_value_info_name(buf: &[u8]) -> Result<String, OnnxError> {
    let mut reader = Reader::new(buf);
    let mut name = String::new();
    while let Some((number, value)) = reader.field()? {
        if number == 1 {
            name = string(&value)?;
        }
    }
    Ok(name)
}

fn parse_node(buf: &[u8]) -> Result<NodeProto, OnnxError> {
    let mut reader = Reader::new(buf);
    let mut node = NodeProto::default();
    while let Some((number, value)) = reader.field()? {
        match number {
            1 => node.inputs.push(string(&value)?),
            2 => node.outputs.push(string(&value)?),
            3 => node.name = string(&value)?,
            4 => node.op_type = string(&value)?,
            5 => node.attributes.push(parse_attribute(bytes(&value)?)?),
            7 => node.domain = string(&value)?,
            _ => {}
        }
    }
    Ok(node)
}

fn parse_attribute(buf: &[u8]) -> Result<AttributeProto, OnnxError> {
    let mut reader = Reader::new(buf);
    let mut attribute = AttributeProto::default();
    while let Some((number, value)) = reader.field()? {
        match (number, &value) {
            (1, _) => attribute.name = string(&value)?,
            (2, Value::Fixed32(bits)) => attribute.f = Some(f32::from_bits(*bits)),
            (3, _) => attribute.i = Some(int(&value)?),
            (4, _) => attribute.s = Some(bytes(&value)?.to_vec()),
            (5, _) => attribute.t = Some(parse_tensor(bytes(&value)?)?.1),
            (7, _) => push_floats(&value, &mut attribute.floats)?,
            (8, _) => push_ints(&value, &mut attribute.ints)?,
            _ => {}
        }
    }
    Ok(attribute)
}

/// ONNX `TensorProto.DataType` codes the interpreter reads.
const FLOAT: i64 = 1;
const UINT8: i64 = 2;
const INT32: i64 = 6;
const INT64: i64 = 7;

/// Reads a `TensorProto` into a named tensor, from `raw_data` or the typed repeated fields.
fn parse_tensor(buf: &[u8]) -> Result<(String, Tensor), OnnxError> {
    let mut reader = Reader::new(buf);
    let (mut name, mut dims, mut data_type) = (String::new(), Vec::new(), 0);
    let (mut raw, mut floats, mut ints) = (None, Vec::new(), Vec::new());
    while let Some((number, value)) = reader.field()? {
        match number {
            1 => push_ints(&value, &mut dims)?,
            2 => data_type = int(&value)?,
            4 => push_floats(&value, &mut floats)?,
            5 | 7 => push_ints(&value, &mut ints)?,
            8 => name = string(&value)?,
            9 => raw = Some(bytes(&value)?),
            13 => bail!("tensor {name:?} keeps its data outside the file"),
            _ => {}
        }
    }
    let shape = dims
        .iter()
        .map(|&d| usize::try_from(d).map_err(|_| OnnxError::new("negative tensor dimension")))
        .collect::<Result<Vec<_>, _>>()?;
    let tensor = match (data_type, raw) {
        (FLOAT, Some(raw)) => Tensor::f32(shape, le_chunks(raw, f32::from_le_bytes)?),
        (FLOAT, None) => Tensor::f32(shape, floats),
        (UINT8, Some(raw)) => Tensor::u8(shape, raw.to_vec()),
        (UINT8, None) => Tensor::u8(shape, ints.iter().map(|&v| v as u8).collect()),
        (INT64, Some(raw)) => Tensor::i64(shape, le_chunks(raw, i64::from_le_bytes)?),
        (INT32, Some(raw)) => {
            let values = le_chunks(raw, i32::from_le_bytes)?;
            Tensor::i64(shape, values.into_iter().map(i64::from).collect())
        }
        (INT64 | INT32, None) => Tensor::i64(shape, ints),
        (other, _) => bail!("tensor {name:?} has unsupported data type {other}"),
    };
    let tensor = tensor.map_err(|e| e.context(format!("tensor {name:?}")))?;
    Ok((name, tensor))
}

/// Decodes little-endian fixed-size values.
fn le_chunks<T, const N: usize>(raw: &[u8], decode: fn([u8; N]) -> T) -> Result<Vec<T>, OnnxError> {
    if !raw.len().is_multiple_of(N) {
        bail!(
            "raw tensor data of {} bytes is not a multiple of {N}",
            raw.len()
        );
    }
    Ok(raw
        .chunks_exact(N)
        .map(|chunk| decode(chunk.try_into().unwrap_or([0; N])))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_varints_and_packed_fields() {
        // Field 8 (ints), packed: 1, 300, -1.
        let mut packed = vec![1u8, 0xac, 0x02];
        packed.extend([0xff; 9]);
        packed.push(0x01);
        let mut message = vec![(8 << 3) | 2, packed.len() as u8];
        message.extend(&packed);
        message.extend([(1 << 3) | 2, 1, b'k']);
        let attribute = parse_attribute(&message).unwrap();
        assert_eq!(attribute.ints, [1, 300, -1]);
        assert_eq!(attribute.name, "k");
    }

    #[test]
    fn refuses_truncated_messages() {
        let message = [(1 << 3) | 2, 5, b'a'];
        let error = parse_node(&message).unwrap_err();
        assert!(error.to_string().contains("runs past the end"), "{error}");
    }
}
