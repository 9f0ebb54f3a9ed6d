"""topoae: autoencoder anomaly detection with latent spaces of chosen topology."""

__version__ = "0.1.0"
