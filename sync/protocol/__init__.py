"""The wire protocol between Casebook laptops and the central service.

This package is the only code the client and the server share. It imports neither the client's
store nor the server's database, so either side can change its storage without breaking the other.
"""
