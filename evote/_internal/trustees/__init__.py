"""Trustees (spec §6): the k-of-n key ceremony, threshold decryption and trustee secret files."""
