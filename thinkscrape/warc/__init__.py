"""Raw responses kept as WARC: capture while crawling, replay offline, re-extract."""

from isal import isal_zlib
from warcio.bufferedreaders import BufferedReader

from thinkscrape.warc.writer import HttpMessage, WarcWriter, warc_file_name

__all__ = ["HttpMessage", "WarcWriter", "warc_file_name"]


def _gzip_decompressor() -> object:
    return isal_zlib.decompressobj(16 + isal_zlib.MAX_WBITS)


# warcio inflates every record through the decompressor its registry names for "gzip" (the
# registry it adds brotli to itself). ISA-L's inflate gives the same bytes as zlib's in a
# third of the time, and inflating is most of what reading a WARC record costs.
BufferedReader.DECOMPRESSORS["gzip"] = _gzip_decompressor
