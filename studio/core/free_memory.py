"""How much memory a new allocation can use, and bytes in words. Kept apart from the budget
(core.budget), which sizes models: data loading needs these without importing the models."""
from __future__ import annotations

import os


def format_bytes(n: float) -> str:
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{int(n)} bytes"


def free_memory(device=None) -> int:
    """Bytes a new allocation can use on `device` (a torch.device or name; default cpu):
    on CUDA the free device memory plus what torch's cache holds unused; elsewhere the
    available RAM, lowered by a cgroup memory limit or an address-space rlimit."""
    import torch  # here: the window formats byte counts before torch is loaded

    device = torch.device(device or "cpu")
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        cached = torch.cuda.memory_reserved(device) - torch.cuda.memory_allocated(device)
        return int(free + max(0, cached))
    return _free_ram()


def _free_ram() -> int:
    candidates = [v for v in (_meminfo_available(), _cgroup_free(), _rlimit_free())
                  if v is not None]
    if not candidates:
        try:
            import psutil  # optional: macOS and Windows

            return int(psutil.virtual_memory().available)
        except ImportError:
            pass
        try:
            return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            return 1 << 62  # unknown: no refusal
    return max(0, min(candidates))


def _meminfo_available() -> int | None:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _cgroup_free() -> int | None:
    """What a cgroup v2 memory limit (a container's) leaves, when there is one."""
    try:
        with open("/proc/self/cgroup") as f:
            rel = next((line.strip().split("::", 1)[1] for line in f if line.startswith("0::")),
                       None)
    except OSError:
        return None
    for base in {f"/sys/fs/cgroup{rel}" if rel else None, "/sys/fs/cgroup"} - {None}:
        try:
            with open(f"{base}/memory.max") as f:
                limit = f.read().strip()
            if limit == "max":
                continue
            with open(f"{base}/memory.current") as f:
                used = int(f.read().strip())
            return int(limit) - used
        except (OSError, ValueError):
            continue
    return None


def _rlimit_free() -> int | None:
    """What RLIMIT_AS leaves of the address space (a process started with a limit)."""
    try:
        import resource
    except ImportError:
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return None
    try:
        with open("/proc/self/statm") as f:
            used = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None
    return soft - used
