"""Statutory returns the service makes from its own records: the DfE's children looked after
return (SSDA903), Ofsted's fostering data collection and the Annex A lists an inspection asks
for. Each is computed from the synced records alone, so what a council submits is what its
workers recorded, and a mistake found in a return is put right in the record it came from.
"""
