"""Python twin of dev.memogen.benchmarks.FreshProcess, with joblib.Memory as the persistent memo.

usage: fresh_process.py plain|memo|input CACHE_DIR [PASSES]
(input: no stage; the signal itself is summed)
"""
import sys

import numpy as np
from joblib import Memory

N = 1 << 20  # doubles: 8 MiB
PASSES = 1000


def smooth(signal, passes):
    a = signal.copy()
    for _ in range(passes):
        b = a.copy()
        b[1:-1] = (a[:-2] + a[1:-1] + a[2:]) / 3
        a = b
    return a


def main():
    mode, cache_dir = sys.argv[1], sys.argv[2]
    passes = int(sys.argv[3]) if len(sys.argv) > 3 else PASSES
    i = np.arange(N, dtype=np.int64)
    signal = np.sin(i * 1e-3) + ((i * 2654435761) % 1000) * 1e-4
    fn = Memory(cache_dir, verbose=0).cache(smooth) if mode == "memo" else smooth
    result = signal if mode == "input" else fn(signal, passes)
    print(f"{mode} checksum {result.sum():.6f}")


if __name__ == "__main__":
    main()
