"""Parameter sweeps and Monte Carlo over a scenario's numeric inputs.

``spec`` parses what varies, ``sampling`` draws the values, ``apply`` turns one
sample into model inputs, ``runner`` solves the samples (in process or on dask),
``analysis`` summarises them. ``planner.report.sweep_files`` writes the results.
"""
