"""The analysis jobs (module ``analysis``): measurements on a region or at the cursor, contours, source
detection and catalogue editing. Each concept registers its functions in its own module."""

from apps.jobs.services import describe_module

describe_module(
    "analysis",
    "Analysis tools",
    "Measure images: region statistics, photometry, profiles and PSF fits, contours, source detection.",
)

from apps.analysis.jobs import contours, detect, measure  # noqa: E402, F401  (each registers its jobs)
