"""Statistics shared by the fairness and performance families: binary inputs (labels, scores,
confusion counts), ranking statistics (ROC AUC, DeLong variance, average precision per group from
one sort), group statistics (one pass of sums per group and intersection),
confidence intervals and curves. Nothing here knows a recipe, a parameter or a table row."""
