"""Work from the field: events reported from the phone app (上报事件), the photos they
carry (uploaded in resumable chunks, keyed by content hash) and screening rounds (排查).
"""
