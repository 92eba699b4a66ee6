#!/usr/bin/env python3
"""Loopback Prometheus exporters for bench/target-scrape/run.sh.

Serves GET /metrics on each given port of 127.0.0.1 (HTTP/1.1, kept alive): a node_exporter-like text
exposition of 2,000 series, the recipe of NodeExporterText in bench/Stampede.Benchmarks/TargetScrapeBenchmarks.cs.
Each port counts its own requests and serves scrape n of the recipe, so counters advance on every request.
It runs as its own process so that the process being measured only scrapes.

Usage: python3 exporter.py PORT [PORT ...]   (prints "ready" once every port listens)
"""
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SERIES = 2000


def go(value):
    """strconv.FormatFloat(v, 'g', -1, 64) as the C# recipe writes it."""
    magnitude = abs(value)
    if value == 0 or 1e-4 <= magnitude < 1e6:
        text = repr(float(value))
        return text[:-2] if text.endswith(".0") else text
    mantissa, exponent = ("%.14e" % value).split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{exponent[0]}{int(exponent[1:]):02d}"


class Writer:
    def __init__(self):
        self.parts = []
        self.count = 0

    def family(self, name, help_text, kind):
        self.parts.append(f"# HELP {name} {help_text}\n# TYPE {name} {kind}\n")

    def sample(self, name, labels, value):
        self.parts.append(f"{name}{labels} {go(value)}\n")
        self.count += 1

    def text(self):
        return "".join(self.parts)


def histogram(w, n, name, help_text, label_sets):
    bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    shares = [0.05, 0.12, 0.3, 0.55, 0.75, 0.9, 0.96, 0.99, 0.997, 0.999, 1]
    w.family(name, help_text, "histogram")
    for s, labels in enumerate(label_sets):
        count = (10.0 * (s + 1) * n) + (1000 * (s + 1))
        for b, bound in enumerate(bounds):
            w.sample(f"{name}_bucket", f'{{{labels}le="{go(bound)}"}}', float(int(count * shares[b])))
        w.sample(f"{name}_bucket", f'{{{labels}le="+Inf"}}', count)
        w.sample(f"{name}_sum", f"{{{labels.rstrip(',')}}}", count * 0.042)
        w.sample(f"{name}_count", f"{{{labels.rstrip(',')}}}", count)


def node_exporter_text(n):
    w = Writer()
    modes = ["idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"]
    mode_rates = [0.70, 0.01, 0.002, 0, 0.02, 0, 0.08, 0.19]
    w.family("node_cpu_seconds_total", "Seconds the CPUs spent in each mode.", "counter")
    for cpu in range(32):
        for m, mode in enumerate(modes):
            w.sample("node_cpu_seconds_total", f'{{cpu="{cpu}",mode="{mode}"}}',
                     (1_000_000 if m == 0 else 0) + (5000 * m) + (37 * cpu) + (mode_rates[m] * n))

    w.family("node_cpu_guest_seconds_total", "Seconds the CPUs spent in guests (VMs) for each mode.", "counter")
    for cpu in range(32):
        w.sample("node_cpu_guest_seconds_total", f'{{cpu="{cpu}",mode="nice"}}', 0)
        w.sample("node_cpu_guest_seconds_total", f'{{cpu="{cpu}",mode="user"}}', 0)

    memory = [
        "Active", "Active_anon", "Active_file", "AnonHugePages", "AnonPages", "Bounce", "Buffers", "Cached", "CommitLimit", "Committed_AS",
        "DirectMap1G", "DirectMap2M", "DirectMap4k", "Dirty", "FileHugePages", "HardwareCorrupted", "Hugepagesize", "Inactive", "Inactive_anon", "Inactive_file",
        "KernelStack", "Mapped", "MemAvailable", "MemFree", "MemTotal", "Mlocked", "NFS_Unstable", "PageTables", "Percpu", "SReclaimable",
        "SUnreclaim", "Shmem", "ShmemHugePages", "Slab", "SwapCached", "SwapFree", "SwapTotal", "Unevictable", "VmallocTotal", "Writeback",
    ]
    for i, field in enumerate(memory):
        name = f"node_memory_{field}_bytes"
        w.family(name, f"Memory information field {field}_bytes.", "gauge")
        if field == "MemTotal":
            value = 68_719_476_736
        elif field == "MemAvailable":
            value = 40_000_000_000 - (1_048_576.0 * (n % 100))
        else:
            value = (1_048_576.0 * 37 * (i + 1)) + (4096 * (n % 50))
        w.sample(name, "", value)

    net_devices = ["lo", "eth0", "eth1", "eth2", "eth3", "eth4", "eth5", "eth6"]
    for counter in ["receive_bytes", "receive_packets", "receive_errs", "receive_drop", "transmit_bytes", "transmit_packets", "transmit_errs", "transmit_drop"]:
        name = f"node_network_{counter}_total"
        w.family(name, f"Network device statistic {counter}.", "counter")
        rate = 1_250_000 if counter.endswith("_bytes") else 1000 if counter.endswith("_packets") else 0.01 if counter.endswith("_drop") else 0
        for d, device in enumerate(net_devices):
            w.sample(name, f'{{device="{device}"}}', (rate * 3600 * (d + 1)) + (rate * (d + 1) * n))

    w.family("node_network_speed_bytes", "Network device property: speed_bytes.", "gauge")
    for device in net_devices[1:]:
        w.sample("node_network_speed_bytes", f'{{device="{device}"}}', 1_250_000_000)

    for gauge in ["node_network_up", "node_network_mtu_bytes"]:
        w.family(gauge, f"Network device property: {gauge[13:]}.", "gauge")
        for d, device in enumerate(net_devices):
            w.sample(gauge, f'{{device="{device}"}}', 1 if gauge == "node_network_up" else 65536 if d == 0 else 9001)

    disks = ["nvme0n1", "nvme1n1", "nvme2n1", "nvme3n1", "sda", "sdb", "sdc", "sdd", "loop0", "loop1", "loop2", "loop3", "loop4", "loop5", "loop6", "loop7"]
    disk_counters = ["reads_completed", "reads_merged", "read_bytes", "read_time_seconds", "writes_completed", "writes_merged", "written_bytes", "write_time_seconds", "io_time_seconds", "io_time_weighted_seconds"]
    for c, counter in enumerate(disk_counters):
        name = f"node_disk_{counter}_total"
        w.family(name, f"Disk statistic {counter}.", "counter")
        for d, device in enumerate(disks):
            rate = 4_194_304 if counter.endswith("_bytes") else 0.05 * ((d % 4) + 1) if counter.endswith("_seconds") else 100
            w.sample(name, f'{{device="{device}"}}', (rate * 86_400) + (rate * n) + c)

    w.family("node_disk_io_now", "The number of I/Os currently in progress.", "gauge")
    for d, device in enumerate(disks):
        w.sample("node_disk_io_now", f'{{device="{device}"}}', (n + d) % 3)

    for gauge in ["avail_bytes", "free_bytes", "size_bytes", "files", "files_free", "readonly"]:
        name = f"node_filesystem_{gauge}"
        w.family(name, f"Filesystem {gauge.replace('_', ' ')}.", "gauge")
        for f in range(20):
            if gauge == "readonly":
                value = 0
            elif gauge == "size_bytes":
                value = 1_099_511_627_776
            elif gauge == "files":
                value = 67_108_864
            else:
                value = 549_755_813_888 - (4096.0 * f * 1000) - (4096.0 * n)
            w.sample(name, f'{{device="/dev/nvme0n1p{f}",fstype="ext4",mountpoint="/mnt/data{f}"}}', value)

    for prefix, counters in [("schedstat", ["running_seconds", "timeslices", "waiting_seconds"]), ("softnet", ["dropped", "processed", "times_squeezed"])]:
        for counter in counters:
            name = f"node_{prefix}_{counter}_total"
            w.family(name, f"Per-CPU {prefix} statistic {counter}.", "counter")
            for cpu in range(32):
                w.sample(name, f'{{cpu="{cpu}"}}', (10_000.0 * (cpu + 1)) + (0 if counter == "dropped" else 97.5 * n))

    handlers = ["/api/v1/query", "/api/v1/query_range", "/api/v1/series", "/api/v1/labels", "/api/v1/targets", "/api/v1/rules", "/api/v1/alerts", "/metrics", "/-/healthy", "/-/ready"]
    histogram(w, n, "http_request_duration_seconds", "Latency of HTTP requests.", [f'handler="{h}",method="GET",' for h in handlers])
    methods = ["ModelInfer", "ModelMetadata", "ModelReady", "ServerLive", "ServerReady", "ModelStatistics"]
    histogram(w, n, "grpc_server_handling_seconds", "Response latency of gRPC calls handled by the server.",
              [f'grpc_method="{m}",grpc_service="inference.GRPCInferenceService",grpc_type="unary",' for m in methods])

    w.family("go_gc_duration_seconds", "A summary of the pause duration of garbage collection cycles.", "summary")
    for q in ["0", "0.25", "0.5", "0.75", "1"]:
        w.sample("go_gc_duration_seconds", f'{{quantile="{q}"}}', 2.1e-05 * (1 + float(q)))
    w.sample("go_gc_duration_seconds_sum", "", 0.5 + (0.0001 * n))
    w.sample("go_gc_duration_seconds_count", "", 10_000 + (3 * n))
    w.family("go_goroutines", "Number of goroutines that currently exist.", "gauge")
    w.sample("go_goroutines", "", 9 + (n % 3))
    w.family("go_info", "Information about the Go environment.", "gauge")
    w.sample("go_info", '{version="go1.22.5"}', 1)
    memstats = [
        "alloc_bytes", "alloc_bytes_total", "buck_hash_sys_bytes", "frees_total", "gc_sys_bytes", "heap_alloc_bytes", "heap_idle_bytes", "heap_inuse_bytes",
        "heap_objects", "heap_released_bytes", "heap_sys_bytes", "last_gc_time_seconds", "lookups_total", "mallocs_total", "mcache_inuse_bytes", "mcache_sys_bytes",
        "mspan_inuse_bytes", "mspan_sys_bytes", "next_gc_bytes", "other_sys_bytes", "stack_inuse_bytes", "stack_sys_bytes", "sys_bytes",
    ]
    for i, stat in enumerate(memstats):
        name = f"go_memstats_{stat}"
        counter = name.endswith("_total")
        w.family(name, f"Go runtime memory statistic {stat}.", "counter" if counter else "gauge")
        w.sample(name, "", 1e9 + (250_000.0 * n) if counter else (65_536.0 * (i + 1)) + (8 * (n % 64)))

    w.family("go_threads", "Number of OS threads created.", "gauge")
    w.sample("go_threads", "", 12)
    w.family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", "counter")
    w.sample("process_cpu_seconds_total", "", 5000 + (0.02 * n))
    for name, help_text, value in [
        ("process_max_fds", "Maximum number of open file descriptors.", 1_048_576),
        ("process_open_fds", "Number of open file descriptors.", 12),
        ("process_resident_memory_bytes", "Resident memory size in bytes.", 31_457_280 + (4096 * (n % 16))),
        ("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", 1_764_000_000.25),
        ("process_virtual_memory_bytes", "Virtual memory size in bytes.", 1_300_000_000),
        ("process_virtual_memory_max_bytes", "Maximum amount of virtual memory available in bytes.", float(18_446_744_073_709_551_615)),
    ]:
        w.family(name, help_text, "gauge")
        w.sample(name, "", value)

    w.family("node_interrupts_total", "Interrupt details.", "counter")
    i = 0
    while w.count < SERIES:
        kind = i // 32
        w.sample("node_interrupts_total", f'{{cpu="{i % 32}",devices="nvme0q{kind}",type="{kind + 24}"}}', (1000.0 * (i + 1)) + (10.0 * (i % 7) * n))
        i += 1

    return w.text()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        server = self.server
        with server.lock:
            n = server.scrapes
            server.scrapes += 1
        body = node_exporter_text(n).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


def main():
    if "--dump" in sys.argv:
        sys.stdout.write(node_exporter_text(int(sys.argv[sys.argv.index("--dump") + 1])))
        return
    servers = []
    for port in sys.argv[1:]:
        server = ThreadingHTTPServer(("127.0.0.1", int(port)), Handler)
        server.daemon_threads = True
        server.lock = threading.Lock()
        server.scrapes = 0
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
