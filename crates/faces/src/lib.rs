//! Face detection and recognition for the Rekognition emulator, offline and in pure Rust.

mod models;
mod onnx;
