"""The generators of data/, one module per family of files, apart from the core.

settings           experiment settings and the shared, lazily computed inputs (`Context`)
trajectories       reference_trajectories.arrow (the deck's scenes, exact)
bandgap            the band gap data and its licence (exact)
training           training_curves.arrow, batch_sharpness.arrow (tolerance)
curvature          hessian_spectrum.arrow, hessian_training.arrow (tolerance)
edge_of_stability  edge_of_stability.arrow (tolerance)
landscape          landscape_surface/_pca/_path.arrow, sharp_flat_interpolation.arrow (tolerance)
connectivity       mode_connectivity.arrow, connectivity_predictions.arrow (tolerance)
subspace           (helper) losses at many points of a plane or a path in parameter space

Each module declares its `DataFile` entries (`pygen.registry`) next to the code that fills
them; `pygen.generators.DATA_FILES` lists them in order.
"""
