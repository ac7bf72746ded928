"""The deployment files agree with each other and with dibs.

Docker and Kubernetes cannot run here, so these checks are static: the
ConfigMap's embedded ``dibs.styx`` passes ``styx check`` (dibs' own schema),
the Dockerfile's final image has the layout that config and the manifests
assume (``/usr/local/bin/dibs``, the db program at the configured
``db.binary``, ``/.config`` as mount point, working directory ``/``), the
Job and the Deployment's init container mount the ConfigMap there and run
``dibs migrate``, and what the Dockerfile's builder stage copies is enough
to build both Python packages. ``test_example.py`` runs the same layout for
real, under a temporary root.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import styx
from dibs.config import Config, load_config
from tests.conftest import ROOT

K8S = ROOT / "deploy" / "k8s"
CONFIGMAP = K8S / "configmap.yaml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
#: Where the image's CMD, the manifests and the docs say the CLI lives.
DIBS_IN_IMAGE = "/usr/local/bin/dibs"
MIGRATE_COMMAND = [DIBS_IN_IMAGE, "migrate"]
#: The mount point of the ConfigMap: dibs, working in ``/``, finds
#: ``/.config/dibs.styx`` there.
CONFIG_DIR = "/.config"
#: ``dibs.styx: |`` and the lines after it that are blank or indented deeper.
BLOCK_SCALAR = re.compile(
    r"""
    ^(?P<indent>[ ]*) dibs\.styx: [ ]* \| [ ]* \n
    (?P<body> (?: [ ]* \n | (?P=indent) [ ]+ \S.* \n )+ )
    """,
    re.MULTILINE | re.VERBOSE,
)


# --- reading the files ----------------------------------------------------------


def configmap_dibs_styx(text: str | None = None) -> str:
    """The ``dibs.styx`` literal block scalar (``dibs.styx: |``) of the
    ConfigMap, de-indented. A regex rather than a YAML parser so that this
    check needs nothing beyond the project's dependencies; when PyYAML is
    installed, `test_configmap_extraction_matches_yaml` confirms it."""
    text = CONFIGMAP.read_text(encoding="utf-8") if text is None else text
    found = BLOCK_SCALAR.search(text)
    assert found, f"{CONFIGMAP} has no `dibs.styx: |` block"
    lines = found["body"].splitlines()
    width = min(len(line) - len(line.lstrip(" ")) for line in lines if line.strip())
    return "\n".join(line[width:] for line in lines).strip("\n") + "\n"


def load_binary_from_configmap() -> str:
    """``db.binary`` as dibs reads it from the ConfigMap's ``dibs.styx``."""
    binary = styx.load(configmap_dibs_styx(), into=Config).db.binary
    assert binary, "the ConfigMap's dibs.styx sets no db.binary"
    return binary


def styx_program() -> str:
    """The installed ``styx`` console script, beside this interpreter."""
    script = shutil.which("styx", path=str(Path(sys.executable).parent))
    assert script, "the styx console script is not installed in this environment"
    return script


def styx_check(config_text: str, root: Path) -> subprocess.CompletedProcess[str]:
    """``styx check .config/dibs.styx`` with ``config_text`` written under ``root``."""
    (root / ".config").mkdir(parents=True, exist_ok=True)
    (root / ".config" / "dibs.styx").write_text(config_text, encoding="utf-8")
    return subprocess.run(
        [styx_program(), "check", "--color", "never", ".config/dibs.styx"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )


@dataclass
class Stage:
    """One ``FROM`` stage of the Dockerfile: its name and its instructions
    as ``(KEYWORD, arguments)`` with continuation lines joined."""

    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for key, args in self.instructions if key == keyword]


def dockerfile_stages(text: str | None = None) -> list[Stage]:
    """The Dockerfile split into stages (comments and parser directives dropped)."""
    text = DOCKERFILE.read_text(encoding="utf-8") if text is None else text
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    stages: list[Stage] = []
    for line in logical:
        keyword, _, args = line.partition(" ")
        keyword, args = keyword.upper(), args.strip()
        if keyword == "FROM":
            parts = args.split()
            name = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
            stages.append(Stage(parts[0], name))
        elif stages:
            stages[-1].instructions.append((keyword, args))
    return stages


def copy_args(args: str) -> tuple[dict[str, str], list[str], str]:
    """``COPY [--flag=value ...] SRC... DEST`` as (flags, sources, destination)."""
    words = args.split()
    flags = {}
    while words and words[0].startswith("--"):
        key, _, value = words.pop(0)[2:].partition("=")
        flags[key] = value
    return flags, words[:-1], words[-1]


def yaml_documents(path: Path) -> list[dict[str, Any]]:
    """The YAML documents of a manifest (PyYAML; the test skips without it)."""
    yaml = pytest.importorskip("yaml")
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def manifest(path: Path, kind: str) -> dict[str, Any]:
    found = [doc for doc in yaml_documents(path) if doc.get("kind") == kind]
    assert len(found) == 1, f"{path}: expected one {kind}, found {len(found)}"
    return found[0]


# --- the configuration ---------------------------------------------------------------


def test_configmap_dibs_styx_passes_styx_check(tmp_path: Path) -> None:
    done = styx_check(configmap_dibs_styx(), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_styx_check_is_not_vacuous(tmp_path: Path) -> None:
    """The check above validates against dibs' schema: a typo fails it."""
    broken = configmap_dibs_styx().replace("binary", "binray")
    done = styx_check(broken, tmp_path)
    assert done.returncode == 2
    assert "unknown field `binray`" in done.stdout + done.stderr


def test_configmap_config_in_the_container_layout(tmp_path: Path) -> None:
    """Loaded as dibs loads it in the container: from a subfolder of the root
    it is found by walking up, and it names an absolute db program."""
    (tmp_path / ".config").mkdir()
    (tmp_path / ".config" / "dibs.styx").write_text(configmap_dibs_styx(), encoding="utf-8")
    (tmp_path / "app").mkdir()
    located = load_config(tmp_path / "app")
    assert located.project_root == tmp_path.resolve()
    assert located.config.db.binary == "/app/my-app-db"
    # the package it is (for `dibs generate`); the binary is what runs
    assert located.config.db.crate == "my-app-db"


def test_the_guide_the_configmap_and_deploy_dibs_styx_say_the_same() -> None:
    """docs/deploy.md shows the image's configuration; the ConfigMap holds it,
    and deploy/dibs.styx (mounted by the Dockerfile's `docker run` line) too."""
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    shown = re.search(r"```styx\n(?P<body>.*?)```", guide, re.DOTALL)
    assert shown, "docs/deploy.md shows no dibs.styx"
    lines = shown["body"].splitlines()
    width = min(len(line) - len(line.lstrip(" ")) for line in lines if line.strip())
    block = "\n".join(line[width:] for line in lines).strip("\n") + "\n"
    assert block == configmap_dibs_styx()
    assert (ROOT / "deploy" / "dibs.styx").read_text(encoding="utf-8") == configmap_dibs_styx()


def test_the_dockerfile_comments_name_files_that_exist() -> None:
    """Its header once mounted deploy/dibs.styx, which did not exist."""
    comments = [line for line in DOCKERFILE.read_text().splitlines() if line.startswith("#")]
    named = {
        m.group(1) for line in comments for m in re.finditer(r"\$PWD/([\w./-]+?)(?=:|\s|$)", line)
    }
    assert named, "the Dockerfile's header shows no docker run line"
    for path in named:
        assert (ROOT / path).exists(), f"the Dockerfile's comments name a missing {path}"
    assert not any("-e DATABASE_URL=" in line for line in comments), (
        "pass DATABASE_URL from the environment (-e DATABASE_URL), not on a command line"
    )


def test_configmap_extraction_matches_yaml() -> None:
    configmap = manifest(CONFIGMAP, "ConfigMap")
    assert configmap["data"]["dibs.styx"] == configmap_dibs_styx()


# --- the Dockerfile -------------------------------------------------------------------


def test_dockerfile_is_multi_stage_with_a_builder() -> None:
    stages = dockerfile_stages()
    assert len(stages) >= 2
    builders = [stage for stage in stages[:-1] if stage.name]
    assert builders, "the build stages need a name for COPY --from"
    final = stages[-1]
    assert final.base == stages[0].base, (
        "the final image must have the builder's Python: the venv's interpreter links to it"
    )
    sources = {copy_args(args)[0].get("from") for args in final.all("COPY")}
    assert sources <= {stage.name for stage in builders}, (
        "the final stage copies only built artefacts"
    )


def test_dockerfile_final_image_layout() -> None:
    """The paths the ConfigMap, the manifests and the docs rely on."""
    binary = load_binary_from_configmap()
    final = dockerfile_stages()[-1]
    destinations = {copy_args(args)[2]: copy_args(args)[1] for args in final.all("COPY")}
    assert DIBS_IN_IMAGE in destinations
    assert binary in destinations, f"the image must hold the db program at {binary}"
    assert any(
        re.search(rf"mkdir\b.*\s{re.escape(CONFIG_DIR)}(\s|$)", run) for run in final.all("RUN")
    )
    assert final.all("WORKDIR")[-1] == "/"
    assert json.loads(final.all("CMD")[-1]) == MIGRATE_COMMAND


def test_dockerfile_console_scripts_keep_their_interpreter() -> None:
    """The CLI and the db program are a venv's console scripts, whose shebang
    names the venv's python by absolute path: the venv must be copied to the
    same path it was built at."""
    final = dockerfile_stages()[-1]
    copies = [copy_args(args) for args in final.all("COPY")]
    venvs = {dest for _, sources, dest in copies if sources == [dest]}
    for _, sources, dest in copies:
        if dest in (DIBS_IN_IMAGE, load_binary_from_configmap()):
            (source,) = sources
            assert any(source.startswith(venv.rstrip("/") + "/bin/") for venv in venvs), (
                f"{dest} comes from {source}, outside a venv copied to its own path"
            )


def test_dockerfile_builder_sources_build(tmp_path: Path) -> None:
    """What the builder stage COPYs (and .dockerignore leaves in) is enough to
    build styx-dibs and my-app-db: both wheels are built from a context made
    of exactly those files."""
    ignored = [
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    context = tmp_path / "context"
    for stage in dockerfile_stages()[:-1]:
        workdir = Path("/")
        for keyword, args in stage.instructions:
            if keyword == "WORKDIR":
                workdir = workdir / args
            if keyword != "COPY" or "from" in copy_args(args)[0]:
                continue
            _, sources, dest = copy_args(args)
            for source in sources:
                assert (ROOT / source).exists(), f"Dockerfile copies missing {source}"
                assert source.rstrip("/") not in ignored, f"{source} is in .dockerignore"
                target = context / (workdir / dest).relative_to("/")
                if dest.endswith("/") and (ROOT / source).is_file():
                    target = target / Path(source).name
                if (ROOT / source).is_dir():
                    shutil.copytree(
                        ROOT / source,
                        target,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".venv"),
                        dirs_exist_ok=True,
                    )
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(ROOT / source, target)
    source_root = context / "src"
    for project in (source_root, source_root / "examples" / "my-app"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "--no-build-isolation",
                "-q",
                "-w",
                str(tmp_path / "wheels"),
                str(project),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    wheels = sorted(path.name for path in (tmp_path / "wheels").glob("*.whl"))
    assert [name.split("-")[0] for name in wheels] == ["my_app_db", "styx_dibs"]


def test_dockerignore_keeps_local_state_out() -> None:
    ignored = DOCKERIGNORE.read_text(encoding="utf-8").split()
    for entry in (".git", ".venv", ".env"):
        assert entry in ignored


# --- Kubernetes -----------------------------------------------------------------------


def assert_migrate_container(container: dict[str, Any], volumes: list[dict[str, Any]]) -> None:
    """Runs ``dibs migrate`` with DATABASE_URL from a Secret and the dibs
    ConfigMap mounted at ``/.config``."""
    configmap_name = manifest(CONFIGMAP, "ConfigMap")["metadata"]["name"]
    command = container.get("command", MIGRATE_COMMAND) + container.get("args", [])
    assert command == MIGRATE_COMMAND
    env = {item["name"]: item for item in container.get("env", [])}
    assert "secretKeyRef" in env["DATABASE_URL"]["valueFrom"]
    mounts = [m for m in container.get("volumeMounts", []) if m["mountPath"] == CONFIG_DIR]
    assert len(mounts) == 1, f"{container['name']} must mount the config at {CONFIG_DIR}"
    assert "subPath" not in mounts[0], "a subPath mount would not see ConfigMap updates"
    (volume,) = [v for v in volumes if v["name"] == mounts[0]["name"]]
    assert volume["configMap"]["name"] == configmap_name


def test_job_runs_dibs_migrate_with_the_config_mounted() -> None:
    job = manifest(K8S / "job.yaml", "Job")
    pod = job["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    (container,) = pod["containers"]
    assert_migrate_container(container, pod["volumes"])


def test_deployment_migrates_in_an_init_container() -> None:
    deployment = manifest(K8S / "deployment.yaml", "Deployment")
    pod = deployment["spec"]["template"]["spec"]
    (init,) = pod["initContainers"]
    assert_migrate_container(init, pod["volumes"])
    assert (
        init["image"]
        == manifest(K8S / "job.yaml", "Job")["spec"]["template"]["spec"]["containers"][0]["image"]
    ), "the Job and the init container run the same migration image"
    assert pod["containers"], "the app container starts after the init container"


def test_secret_example_matches_the_references() -> None:
    secret = manifest(K8S / "secret.example.yaml", "Secret")
    container = manifest(K8S / "job.yaml", "Job")["spec"]["template"]["spec"]["containers"][0]
    ref = {item["name"]: item for item in container["env"]}["DATABASE_URL"]["valueFrom"][
        "secretKeyRef"
    ]
    assert secret["metadata"]["name"] == ref["name"]
    assert ref["key"] in secret["stringData"]


def test_the_image_ships_the_parser_tables_where_the_pod_reads_them() -> None:
    # The pod's user has no writable cache directory: without tables built in
    # the image, every start would import Lark and rebuild them.
    builder, final = dockerfile_stages()[0], dockerfile_stages()[-1]
    assert any("STYX_CACHE_DIR=/opt/styx-cache" in run for run in builder.all("RUN"))
    assert any("STYX_CACHE_DIR=/opt/styx-cache" in env for env in final.all("ENV"))
    copied = [copy_args(args) for args in final.all("COPY")]
    assert any(
        flags.get("from") and "/opt/styx-cache" in sources and dest == "/opt/styx-cache"
        for flags, sources, dest in copied
    )


def test_a_read_only_table_cache_is_used_without_importing_lark(tmp_path: Path) -> None:
    cache = tmp_path / "styx-cache"
    build = "import styx; styx.parse('a 1')"
    env = {**os.environ, "STYX_CACHE_DIR": str(cache)}
    subprocess.run([sys.executable, "-c", build], env=env, check=True, timeout=120)
    assert list(cache.iterdir())
    for path in [cache, *cache.iterdir()]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        probe = build + "; import sys; print('lark' in sys.modules)"
        result = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
        )
    finally:
        for path in [cache, *cache.iterdir()]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
