"""Seeded synthetic fraud data: a reference period and a drifted current period.

Built-in changes in ``current``: ``amount`` shifts up by half, a new ``channel`` category
("voice") appears, ``device_score`` is missing far more often, the model's scores for the
``18-25`` age band are inflated (a fairness gap) and the score separates fraud less well
(lower AUC). Everything else keeps its distribution.
"""
import argparse
import os

import numpy as np
import pandas as pd

AGE_BANDS = ["18-25", "26-35", "36-45", "46-60", "60+"]
COUNTRIES = ["C{:02d}".format(i) for i in range(30)]


def make_period(n, seed, drifted):
    rng = np.random.default_rng(seed)
    gender = rng.choice(["F", "M"], size=n, p=[0.48, 0.52])
    age_band = rng.choice(AGE_BANDS, size=n, p=[0.18, 0.27, 0.24, 0.21, 0.10])
    amount = rng.lognormal(mean=3.6 + (0.5 if drifted else 0.0), sigma=0.9, size=n)
    merchant_risk = rng.normal(0.0, 1.0, size=n)
    account_age_days = rng.gamma(2.0, 400.0, size=n).round()
    n_tx_24h = rng.poisson(2.0, size=n)
    channels = ["web", "app", "store"] + (["voice"] if drifted else [])
    channel_p = [0.42, 0.38, 0.20] if not drifted else [0.38, 0.35, 0.19, 0.08]
    channel = rng.choice(channels, size=n, p=channel_p)
    country = rng.choice(COUNTRIES, size=n, p=np.linspace(2, 1, len(COUNTRIES)) / np.linspace(2, 1, len(COUNTRIES)).sum())
    device_score = rng.beta(5, 2, size=n)
    device_score[rng.random(n) < (0.20 if drifted else 0.02)] = np.nan

    logit = 2.2 * (-1.2 + 0.9 * merchant_risk + 0.35 * np.log(amount) - 0.0004 * account_age_days
                   + 0.25 * n_tx_24h - 1.5 * np.nan_to_num(device_score, nan=0.7) + 0.6 * (channel == "web")) - 4.0
    is_fraud = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    # the model saw the reference relationship; in the current period it is noisier
    noise = rng.normal(0.0, 1.6 if drifted else 0.5, size=n)
    score_logit = logit + noise
    if drifted:
        score_logit = score_logit + 1.3 * (age_band == "18-25")
    score = 1 / (1 + np.exp(-score_logit))
    start = pd.Timestamp("2026-09-01" if drifted else "2026-01-01")
    dates = start + pd.to_timedelta(rng.integers(0, 60, size=n), unit="D")
    return pd.DataFrame({
        "transaction_id": np.arange(n) + (10_000_000 if drifted else 0),
        "transaction_date": dates.strftime("%Y-%m-%d"),
        "amount": amount.round(2),
        "merchant_risk": merchant_risk,
        "account_age_days": account_age_days,
        "n_tx_24h": n_tx_24h,
        "channel": channel,
        "country": country,
        "device_score": device_score,
        "gender": gender,
        "age_band": age_band,
        "is_fraud": is_fraud,
        "score": score,
        "prediction": (score >= 0.25).astype(int),
    })


def write(data_dir, n_rows=50000, seed=42):
    os.makedirs(data_dir, exist_ok=True)
    paths = {}
    for name, offset, drifted in (("reference", 0, False), ("current", 1, True)):
        paths[name] = os.path.join(data_dir, name + ".parquet")
        make_period(n_rows, seed + offset, drifted).to_parquet(paths[name], index=False)
    return paths


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data_dir")
    parser.add_argument("--rows", type=int, default=50000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    print(write(args.data_dir, args.rows, args.seed))
