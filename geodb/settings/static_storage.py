"""The static files storage of production (prod.py): WhiteNoise's compressed manifest storage, which also
rewrites the relative imports of ES modules (``import { state } from "./state.js"``) to the hashed names,
so that a module and what it imports are cached, and replaced, together."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFiles(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True

    def stored_name(self, name):
        # Without a manifest (collectstatic never ran here, as for the tests' production servers) every
        # {% static %} would raise, a 500 on each page: the plain name instead, which nginx also serves.
        if not self.hashed_files:
            return name
        return super().stored_name(name)
