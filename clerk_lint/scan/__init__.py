"""The scan driver: discover -> each file through its reader (in worker processes for large
trees) -> the cross-file rounds of the JS/TS family -> one sorted ScanResult."""
