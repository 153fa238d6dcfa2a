//! A small ONNX interpreter for exactly the operators the face models use: a graph is read from
//! its protobuf bytes, checked and simplified once at load (constant subgraphs folded, each
//! convolution's activation fused into it), then run node by node on the CPU.
//!
//! An operator outside the supported list is refused at load with the node's name, so a model
//! either loads completely or not at all.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

mod conv;
mod math;
mod ops;
mod proto;
mod shape_ops;
pub(crate) mod tensor;

#[cfg(test)]
mod reference_tests;
#[cfg(test)]
#[rustfmt::skip]
mod reference_values;

use ops::{Activation, Inputs, Op};
pub(crate) use tensor::Tensor;

/// Why a model could not be loaded or run; the text names the node or tensor at fault.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OnnxError {
    message: String,
}

impl OnnxError {
    pub(crate) fn new(message: impl Into<String>) -> OnnxError {
        OnnxError {
            message: message.into(),
        }
    }

    /// Prefixes the message with where the error happened.
    pub(crate) fn context(self, context: impl fmt::Display) -> OnnxError {
        OnnxError {
            message: format!("{context}: {}", self.message),
        }
    }
}

impl fmt::Display for OnnxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Returns early with an [`OnnxError`] built from a format string.
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err($crate::onnx::OnnxError::new(format!($($arg)*)))
    };
}
pub(crate) use bail;

/// One operator application with its inputs and outputs as value ids.
#[derive(Debug)]
struct Node {
    name: String,
    op: Op,
    /// `None` for an omitted optional input.
    inputs: Vec<Option<usize>>,
    outputs: Vec<usize>,
    /// Values whose last reader is this node: dropped before it runs, so it may reuse them.
    frees: Vec<usize>,
}

/// A loaded graph, ready to run; immutable, so one can serve many threads.
#[derive(Debug)]
pub(crate) struct Model {
    nodes: Vec<Node>,
    /// Indexed by value id: the value's tensor when it is known at load time.
    constants: Vec<Option<Arc<Tensor>>>,
    inputs: Vec<usize>,
    outputs: Vec<usize>,
}

/// Value ids by name, allocated as names are first seen.
#[derive(Default)]
struct Names {
    ids: HashMap<String, usize>,
}

impl Names {
    fn id(&mut self, name: &str) -> usize {
        let next = self.ids.len();
        *self.ids.entry(name.to_owned()).or_insert(next)
    }
}

impl Model {
    /// Reads, checks and simplifies a serialized ONNX model.
    pub(crate) fn load(bytes: &[u8]) -> Result<Model, OnnxError> {
        let proto = proto::parse_model(bytes)?;
        let graph = proto.graph;
        let mut names = Names::default();
        let mut constants: HashMap<usize, Arc<Tensor>> = HashMap::new();
        for (name, tensor) in graph.initializers {
            constants.insert(names.id(&name), Arc::new(tensor));
        }
        let inputs: Vec<usize> = graph
            .inputs
            .iter()
            .map(|name| names.id(name))
            .filter(|id| !constants.contains_key(id))
            .collect();
        let mut nodes = Vec::new();
        for node in graph.nodes {
            let context = format!("node {:?} ({})", node.name, node.op_type);
            if !(node.domain.is_empty() || node.domain == "ai.onnx") {
                bail!(
                    "{context}: operator domain {:?} is not supported",
                    node.domain
                );
            }
            let outputs: Vec<usize> = node.outputs.iter().map(|n| names.id(n)).collect();
            let op = ops::parse(&node, proto.opset).map_err(|e| e.context(&context))?;
            let Some(op) = op else {
                // A Constant node: its value is known now.
                let value = ops::constant_value(&node).map_err(|e| e.context(&context))?;
                constants.insert(outputs[0], Arc::new(value));
                continue;
            };
            let inputs = node
                .inputs
                .iter()
                .map(|n| (!n.is_empty()).then(|| names.id(n)))
                .collect();
            nodes.push(Node {
                name: node.name,
                op,
                inputs,
                outputs,
                frees: Vec::new(),
            });
        }
        let outputs: Vec<usize> = graph.outputs.iter().map(|name| names.id(name)).collect();
        let mut constant_slots = vec![None; names.ids.len()];
        for (id, tensor) in constants {
            constant_slots[id] = Some(tensor);
        }
        let mut model = Model {
            nodes,
            constants: constant_slots,
            inputs,
            outputs,
        };
        model.fold_constants()?;
        model.fuse_activations();
        model.pack_convolutions()?;
        model.plan_frees();
        Ok(model)
    }

    /// Runs every node whose inputs are all known at load time, keeping only its outputs. A
    /// constant is dropped once its last reader is folded, so a chain of folds (face-api's
    /// dequantisation: Cast, Mul, Add, Mul) reuses one buffer instead of keeping every step.
    fn fold_constants(&mut self) -> Result<(), OnnxError> {
        let mut readers = self.reader_counts();
        let mut kept = Vec::with_capacity(self.nodes.len());
        for node in std::mem::take(&mut self.nodes) {
            let inputs: Vec<usize> = node.inputs.iter().flatten().copied().collect();
            if !inputs.iter().all(|&id| self.constants[id].is_some()) {
                kept.push(node);
                continue;
            }
            let args = node
                .inputs
                .iter()
                .map(|i| i.and_then(|id| self.constants[id].clone()));
            let args = Inputs::new(args.collect());
            for id in inputs {
                readers[id] -= 1;
                if readers[id] == 0 {
                    self.constants[id] = None;
                }
            }
            let results = node
                .op
                .eval(args)
                .map_err(|e| e.context(format!("folding node {:?}", node.name)))?;
            for (id, tensor) in node.outputs.iter().zip(results) {
                self.constants[*id] = Some(Arc::new(tensor));
            }
        }
        self.nodes = kept;
        Ok(())
    }

    /// How many nodes read each value, graph outputs counting as readers.
    fn reader_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.constants.len()];
        for node in &self.nodes {
            for &id in node.inputs.iter().flatten() {
                counts[id] += 1;
            }
        }
        for &id in &self.outputs {
            counts[id] += 1;
        }
        counts
    }

    /// Merges a Relu or LeakyRelu into the convolution that writes its input when nothing else
    /// reads that input, so the activation runs while the data is in cache.
    fn fuse_activations(&mut self) {
        let counts = self.reader_counts();
        let mut writer: HashMap<usize, usize> = HashMap::new();
        for (index, node) in self.nodes.iter().enumerate() {
            for &out in &node.outputs {
                writer.insert(out, index);
            }
        }
        let mut removed = Vec::new();
        for index in 0..self.nodes.len() {
            let activation = match self.nodes[index].op {
                Op::Relu => Activation::Relu,
                Op::LeakyRelu(alpha) => Activation::LeakyRelu(alpha),
                _ => continue,
            };
            let Some(input) = self.nodes[index].inputs.first().copied().flatten() else {
                continue;
            };
            let Some(&conv) = writer.get(&input).filter(|_| counts[input] == 1) else {
                continue;
            };
            let Op::ConvAttributes(attributes) = &mut self.nodes[conv].op else {
                continue;
            };
            if attributes.activation != Activation::None {
                continue;
            }
            attributes.activation = activation;
            self.nodes[conv].outputs = self.nodes[index].outputs.clone();
            removed.push(index);
        }
        let mut index = 0;
        self.nodes.retain(|_| {
            index += 1;
            removed.binary_search(&(index - 1)).is_err()
        });
    }

    /// Turns each convolution's constant weight and bias into a packed operator.
    fn pack_convolutions(&mut self) -> Result<(), OnnxError> {
        for node in &mut self.nodes {
            let Op::ConvAttributes(attributes) = &node.op else {
                continue;
            };
            let weight = node
                .inputs
                .get(1)
                .copied()
                .flatten()
                .and_then(|id| self.constants[id].clone());
            let Some(weight) = weight else {
                bail!("node {:?} (Conv): the weights must be constant", node.name);
            };
            let bias = node.inputs.get(2).copied().flatten();
            let bias = match bias {
                Some(id) => match &self.constants[id] {
                    Some(bias) => Some(bias.as_f32()?.to_vec()),
                    None => bail!("node {:?} (Conv): the bias must be constant", node.name),
                },
                None => None,
            };
            let packed = conv::Conv::new(attributes.clone(), &weight, bias)
                .map_err(|e| e.context(format!("node {:?} (Conv)", node.name)))?;
            node.op = Op::Conv(Box::new(packed));
            node.inputs.truncate(1);
        }
        Ok(())
    }

    /// Records at each node the values no later node reads, and drops unused constants.
    fn plan_frees(&mut self) {
        let mut last_reader: HashMap<usize, usize> = HashMap::new();
        for (index, node) in self.nodes.iter().enumerate() {
            for &id in node.inputs.iter().flatten() {
                last_reader.insert(id, index);
            }
        }
        for &id in &self.outputs {
            last_reader.remove(&id);
        }
        for (id, index) in &last_reader {
            if self.constants[*id].is_none() {
                self.nodes[*index].frees.push(*id);
            }
        }
        let counts = self.reader_counts();
        for (id, slot) in self.constants.iter_mut().enumerate() {
            if counts[id] == 0 {
                *slot = None;
            }
        }
    }

    /// Runs the graph on its inputs, in the order the file declares them.
    pub(crate) fn run(&self, inputs: Vec<Tensor>) -> Result<Vec<Tensor>, OnnxError> {
        if inputs.len() != self.inputs.len() {
            bail!(
                "the model takes {} inputs, got {}",
                self.inputs.len(),
                inputs.len()
            );
        }
        let mut values = self.constants.clone();
        for (&id, tensor) in self.inputs.iter().zip(inputs) {
            values[id] = Some(Arc::new(tensor));
        }
        for node in &self.nodes {
            let args = node
                .inputs
                .iter()
                .map(|i| i.and_then(|id| values[id].clone()))
                .collect();
            for &id in &node.frees {
                values[id] = None;
            }
            let results = node
                .op
                .eval(Inputs::new(args))
                .map_err(|e| e.context(format!("node {:?}", node.name)))?;
            for (&id, tensor) in node.outputs.iter().zip(results) {
                values[id] = Some(Arc::new(tensor));
            }
        }
        self.outputs
            .iter()
            .map(|&id| match values[id].take() {
                Some(tensor) => Ok(Arc::try_unwrap(tensor).unwrap_or_else(|t| (*t).clone())),
                None => bail!("graph output {id} was never computed"),
            })
            .collect()
    }
}
