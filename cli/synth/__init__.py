"""synth: workshop synthesis for the Nära vård transformation."""

__version__ = "0.1.0"
