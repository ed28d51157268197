"""Kubernetes' protobuf encoding (application/vnd.kubernetes.protobuf), driven by the declarations.

wire: varints and fields; wellknown: Time, Duration, Quantity, IntOrString messages; codec: a
declaration's Struct as a message; envelope: the "k8s\\x00" + runtime.Unknown wrapper; kinds:
which Struct an envelope's apiVersion/kind names.
"""

from kubepy.api.protobuf.codec import ProtobufError, decode_message, encode_message, list_struct
from kubepy.api.protobuf.envelope import CONTENT_TYPE, MAGIC, WATCH_CONTENT_TYPE
from kubepy.api.protobuf.kinds import Kinds
from kubepy.api.protobuf.wire import WireError

__all__ = [
    "CONTENT_TYPE",
    "MAGIC",
    "WATCH_CONTENT_TYPE",
    "Kinds",
    "ProtobufError",
    "WireError",
    "decode_message",
    "encode_message",
    "list_struct",
]
