"""Development companion of `siamese-bench search --only …`: the peers' CPU time per query on MNIST-784 Euclidean
(the protocol of ../shared/peers/ann.py), for comparisons on a contended machine where wall-clock rates mislead.
Usage: python scripts/bench/search_peer_cpu.py [exact] [hnswlib] [faiss_hnsw]   (PEERS_MNIST_DIR = MNIST folder;
POINTS = how many training images form the base set, default 60000)
Prints one line per measurement: wall q/s, and CPU µs per query (user + system of this process)."""
import gzip, os, struct, sys, time
import numpy as np
import faiss
from threadpoolctl import threadpool_limits

MNIST = os.environ.get("PEERS_MNIST_DIR", "../shared/datasets/mnist")
K, NQ, THREADS = 10, 1000, 2
what = set(sys.argv[1:]) or {"exact", "hnswlib"}


def images(name):
    with gzip.open(os.path.join(MNIST, name), "rb") as f:
        buf = f.read()
    _, n, rows, cols = struct.unpack(">IIII", buf[:16])
    return np.frombuffer(buf, dtype=np.uint8, offset=16).reshape(n, rows * cols).astype(np.float32)


def cpu():
    t = os.times()
    return t.user + t.system


def timed(body, reps):
    """Median over reps of (wall s, CPU s) for one call of body."""
    body()
    walls, cpus = [], []
    for _ in range(reps):
        c0, t0 = cpu(), time.perf_counter()
        body()
        walls.append(time.perf_counter() - t0)
        cpus.append(cpu() - c0)
    return float(np.median(walls)), float(np.median(cpus))


def report(name, n, wall, cpus):
    print(f"{name}: {n / wall:,.0f} q/s wall, {cpus / n * 1e6:,.1f} CPU µs/query "
          f"(load {open('/proc/loadavg').read().split()[0]})", flush=True)


threadpool_limits(THREADS)
faiss.omp_set_num_threads(THREADS)
xb = np.ascontiguousarray(images("train-images.idx3-ubyte.gz")[:int(os.environ.get("POINTS", "60000"))])
xq = np.ascontiguousarray(images("t10k-images.idx3-ubyte.gz")[:NQ])
d = xb.shape[1]

if "exact" in what:
    flat = faiss.IndexFlatL2(d)
    flat.add(xb)
    report("faiss IndexFlatL2 batch 1000, 2 threads", NQ, *timed(lambda: flat.search(xq, K), 5))

for lib in ("hnswlib", "faiss_hnsw"):
    if lib not in what:
        continue
    c0, t0 = cpu(), time.perf_counter()
    if lib == "hnswlib":
        import hnswlib
        ix = hnswlib.Index(space="l2", dim=d)
        ix.init_index(max_elements=len(xb), M=16, ef_construction=200, random_seed=100)
        ix.add_items(xb, np.arange(len(xb)), num_threads=THREADS)
        set_ef = ix.set_ef
        search = lambda q, t=THREADS: ix.knn_query(q, k=K, num_threads=t)
    else:
        ix = faiss.IndexHNSWFlat(d, 16)
        ix.hnsw.efConstruction = 200
        ix.add(xb)
        set_ef = lambda ef: setattr(ix.hnsw, "efSearch", ef)
        search = lambda q, t=THREADS: ix.search(q, K)
    print(f"{lib} build: {time.perf_counter() - t0:.1f} s wall, {cpu() - c0:.1f} CPU s", flush=True)
    for ef in (16, 32, 64):
        set_ef(ef)
        report(f"{lib} ef {ef} batch 1000, 2 threads", NQ, *timed(lambda: search(xq), 5))
    set_ef(16)
    if lib == "faiss_hnsw":
        faiss.omp_set_num_threads(1)
    lat = []
    for i in range(NQ):
        q = xq[i:i + 1]
        t0 = time.perf_counter()
        search(q, 1)
        lat.append(time.perf_counter() - t0)
    faiss.omp_set_num_threads(THREADS)
    print(f"{lib} single query ef 16, 1 thread: p50 {np.percentile(lat, 50) * 1e6:.0f} µs, "
          f"p99 {np.percentile(lat, 99) * 1e6:.0f} µs", flush=True)
