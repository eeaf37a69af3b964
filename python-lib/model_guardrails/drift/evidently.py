"""The ``evidently`` convention: numbers identical to Evidently 0.7's drift stattests."""


def feature_metrics(feature):
    raise NotImplementedError
