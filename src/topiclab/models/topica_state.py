"""Pickling of estimators that hold a ``topica`` model, which does not pickle: its own file format does."""

from __future__ import annotations

import os
import tempfile
from typing import Any


class TopicaPickle:
    """Mixin: ``model_`` (a topica model of class ``TOPICA_CLASS``) is pickled as the bytes of its own file."""

    TOPICA_CLASS = ""

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())  # type: ignore[misc]
        model = state.pop("model_", None)
        if model is not None:
            fd, path = tempfile.mkstemp(suffix=".topica")
            os.close(fd)
            try:
                model.save(path)
                with open(path, "rb") as fh:
                    state["model_bytes_"] = fh.read()
            finally:
                os.unlink(path)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        import topica

        state = dict(state)
        blob = state.pop("model_bytes_", None)
        super().__setstate__(state)  # type: ignore[misc]
        if blob is not None:
            fd, path = tempfile.mkstemp(suffix=".topica")
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
            try:
                self.model_ = getattr(topica, self.TOPICA_CLASS).load(path)
            finally:
                os.unlink(path)
