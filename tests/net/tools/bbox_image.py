#!/usr/bin/env python3
"""A container image made offline from busybox-static: no registry involved.

  bbox_image.py rootfs OUT.tar          the root filesystem as a tar (podman import)
  bbox_image.py oci OUT.tar NAME        an OCI image layout tar (ctr images import),
                                        named NAME (e.g. localhost/bbox:latest)

The root filesystem: /bin/busybox with a link per applet, /etc/passwd and
/etc/group with root, and the directories a runtime mounts over. Files get
mtime 0, so the same busybox always gives the same image.
"""
import gzip
import hashlib
import io
import json
import platform
import subprocess
import sys
import tarfile

BUSYBOX = "/bin/busybox"
DIRS = ["bin", "dev", "etc", "proc", "root", "run", "sys", "tmp", "var"]
FILES = {
    "etc/passwd": b"root:x:0:0:root:/root:/bin/sh\n",
    "etc/group": b"root:x:0:\n",
}


def entry(name, kind, mode, data=b"", link=""):
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.mtime, info.size, info.linkname = kind, mode, 0, len(data), link
    return info, (io.BytesIO(data) if data else None)


def rootfs_tar():
    """The root filesystem as tar bytes."""
    with open(BUSYBOX, "rb") as f:
        busybox = f.read()
    applets = subprocess.run([BUSYBOX, "--list"], check=True, capture_output=True,
                             text=True).stdout.split()
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for d in DIRS:
            tar.addfile(*entry(d, tarfile.DIRTYPE, 0o1777 if d == "tmp" else 0o755))
        tar.addfile(*entry("bin/busybox", tarfile.REGTYPE, 0o755, busybox))
        for a in sorted(set(applets) - {"busybox"}):
            if "/" not in a:
                tar.addfile(*entry("bin/" + a, tarfile.SYMTYPE, 0o777, link="busybox"))
        for name, data in FILES.items():
            tar.addfile(*entry(name, tarfile.REGTYPE, 0o644, data))
    return out.getvalue()


def blob(tar, data, media_type):
    """Adds data as a content-addressed blob; returns its descriptor."""
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    tar.addfile(*entry("blobs/sha256/" + digest[7:], tarfile.REGTYPE, 0o644, data))
    return {"mediaType": media_type, "digest": digest, "size": len(data)}


def oci_tar(path, name):
    layer = rootfs_tar()
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    config = {
        "architecture": arch,
        "os": "linux",
        "config": {"Env": ["PATH=/bin"], "Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers",
                   "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]},
    }
    js = lambda v: json.dumps(v, sort_keys=True).encode()
    with tarfile.open(path, mode="w", format=tarfile.PAX_FORMAT) as tar:
        tar.addfile(*entry("blobs", tarfile.DIRTYPE, 0o755))
        tar.addfile(*entry("blobs/sha256", tarfile.DIRTYPE, 0o755))
        layer_d = blob(tar, gzip.compress(layer, mtime=0),
                       "application/vnd.oci.image.layer.v1.tar+gzip")
        config_d = blob(tar, js(config), "application/vnd.oci.image.config.v1+json")
        manifest_d = blob(tar, js({"schemaVersion": 2,
                                   "mediaType": "application/vnd.oci.image.manifest.v1+json",
                                   "config": config_d, "layers": [layer_d]}),
                          "application/vnd.oci.image.manifest.v1+json")
        manifest_d["platform"] = {"architecture": arch, "os": "linux"}
        manifest_d["annotations"] = {"io.containerd.image.name": name,
                                     "org.opencontainers.image.ref.name": name.rsplit(":", 1)[-1]}
        tar.addfile(*entry("oci-layout", tarfile.REGTYPE, 0o644,
                           js({"imageLayoutVersion": "1.0.0"})))
        tar.addfile(*entry("index.json", tarfile.REGTYPE, 0o644,
                           js({"schemaVersion": 2, "manifests": [manifest_d]})))


def main(argv):
    if len(argv) == 3 and argv[1] == "rootfs":
        with open(argv[2], "wb") as f:
            f.write(rootfs_tar())
    elif len(argv) == 4 and argv[1] == "oci":
        oci_tar(argv[2], argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
