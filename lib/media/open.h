/*
 * open.h - open an evidence file for demuxing, the way every reader in
 * lib/media does: the same checks, in the same order, with the same
 * messages naming the file (a folder, a device, an empty file are told
 * apart), and a "file:" URL so that a name with ':' is never read as a
 * protocol.
 */
#ifndef TG_MEDIA_OPEN_H
#define TG_MEDIA_OPEN_H

struct AVFormatContext;

/*
 * A regular, non-empty file that can be read: 0 and its size in *size
 * (may be NULL), or TG_EINPUT with the message.
 */
int tg_media_check_file(const char *path, unsigned long long *size);

/*
 * tg_media_check_file() (size as there), then open the demuxer and read
 * the stream parameters into *fc (the caller closes it with
 * avformat_close_input).
 * what names what was expected, for the message: "%s: not <what> that can
 * be decoded" (e.g. "a media file", "an image or video").
 */
int tg_media_open(struct AVFormatContext **fc, const char *path, const char *what,
		  unsigned long long *size);

#endif
