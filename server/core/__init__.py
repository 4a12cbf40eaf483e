"""Configuration and cross-cutting helpers of the central service."""
