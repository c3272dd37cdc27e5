"""The analysis core: measurements, profiles and fits, contours, region files and source detection, as
plain functions of arrays (no Django). Coordinates are **viewer coordinates** unless said otherwise:
level-0 pixels where pixel (i, j) covers [i, i+1) × [j, j+1), x along the FITS axis 1, y along axis 2
(so FITS pixel p is centred at p - 0.5); on a focal-plane mosaic, the mosaic's frame."""
