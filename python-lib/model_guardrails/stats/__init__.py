"""Statistics shared by the fairness and performance families: binary inputs (labels, scores,
per-group ranks and AUC), group statistics (one pass of sums per group and intersection),
confidence intervals and curves. Nothing here knows a recipe, a parameter or a table row."""
