"""A corporate group's plants planned jointly (issue 17).

``spec`` reads and validates the group file and its plant files, ``solve`` runs the joint
decomposition (plant evaluations on dask workers or in this process) and each plant alone,
``tables`` turns the result into the group's tables. ``planner.report.group_files`` writes
them; the formulation is :mod:`models.group`.
"""
