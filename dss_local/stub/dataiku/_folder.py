"""Local ``dataiku.Folder``: a managed folder is a directory (signatures: public copy of DSS 9.0.5,
badribaindla/dataiku-soft@95bd4d95 dataiku-dss-9.0.5/python/dataiku/core/managed_folder.py)."""
import io
import os
import shutil

from . import _flow


class Folder:
    def __init__(self, lookup, project_key=None, ignore_flow=False):
        self.full_name = _flow.full_name(lookup if project_key is None or "." in lookup
                                         else "{}.{}".format(project_key, lookup))
        self.path = _flow.path_of(self.full_name, "Managed folder")
        os.makedirs(self.path, exist_ok=True)

    def get_path(self):
        return self.path

    def get_id(self):
        return self.full_name.split(".", 1)[1]

    def get_name(self):
        return self.get_id()

    def _abs(self, path):
        root = os.path.normpath(self.path)
        full = os.path.normpath(os.path.join(root, path.lstrip("/")))
        if os.path.commonpath([root, full]) != root:
            raise ValueError("Path {!r} leaves managed folder {}.".format(path, self.full_name))
        return full

    def list_paths_in_partition(self, partition=""):
        if partition:
            raise ValueError("Managed folder {}: partition {!r} asked, but local managed folders are not "
                             "partitioned.".format(self.full_name, partition))
        found = []
        for root, _, files in os.walk(self.path):
            for name in files:
                found.append("/" + os.path.relpath(os.path.join(root, name), self.path).replace(os.sep, "/"))
        return sorted(found)

    def get_download_stream(self, path):
        return open(self._abs(path), "rb")

    def upload_stream(self, path, f):
        target = self._abs(path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as out:
            shutil.copyfileobj(f, out)

    def upload_data(self, path, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.upload_stream(path, io.BytesIO(data))

    def get_writer(self, path):
        target = self._abs(path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        return open(target, "wb")

    def delete_path(self, path):
        target = self._abs(path)
        if os.path.isdir(target):
            shutil.rmtree(target)
        elif os.path.exists(target):
            os.remove(target)
