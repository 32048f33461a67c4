/* mqmsg.c: pack and unpack queue messages (see mqmsg.h). */
#include <string.h>

#include "mqmsg.h"

struct msg_hdr {
	uint32_t	magic;
	uint16_t	version;
	uint16_t	type;
	uint16_t	flags;
	uint16_t	nfields;
	uint32_t	pad;
	uint64_t	req_id;
	uint64_t	deadline_ms;
	char		reply_to[MSG_NAME_MAX];
};

enum mq_tag {
	TAG_USER = 1, TAG_ID, TAG_RUNNER, TAG_URLS, TAG_OPTIONS, TAG_SETTINGS,
	TAG__MAX
};

static const char **
mq_field(struct msg_cmd *c, unsigned tag)
{
	switch (tag) {
	case TAG_USER: return &c->user;
	case TAG_ID: return &c->id;
	case TAG_RUNNER: return &c->runner;
	case TAG_URLS: return &c->urls;
	case TAG_OPTIONS: return &c->options;
	case TAG_SETTINGS: return &c->settings;
	}
	return NULL;
}

int
msg_cmd_pack(const struct msg_cmd *c, char *buf, size_t size)
{
	struct msg_hdr h = { .magic = MSG_MAGIC, .version = MSG_VERSION,
	    .type = c->type, .flags = c->flags, .req_id = c->req_id,
	    .deadline_ms = c->deadline_ms };
	size_t used = sizeof(h);

	if (size < used || size > MSG_CMD_MAX)
		return -1;
	memcpy(h.reply_to, c->reply_to, sizeof(h.reply_to));
	h.reply_to[sizeof(h.reply_to) - 1] = '\0';
	for (unsigned tag = 1; tag < TAG__MAX; tag++) {
		const char *s = *mq_field((struct msg_cmd *)c, tag);
		uint32_t len;

		if (s == NULL)
			continue;
		len = (uint32_t)strlen(s) + 1;
		if (size - used < 8 || size - used - 8 < len)
			return -1;
		memcpy(buf + used, &(uint32_t){ tag }, 4);
		memcpy(buf + used + 4, &len, 4);
		memcpy(buf + used + 8, s, len);
		used += 8 + len;
		h.nfields++;
	}
	memcpy(buf, &h, sizeof(h));
	return (int)used;
}

int
msg_cmd_unpack(struct msg_cmd *c, const char *buf, size_t len)
{
	struct msg_hdr h;
	size_t used = sizeof(h);

	memset(c, 0, sizeof(*c));
	if (len < sizeof(h))
		return -1;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != MSG_MAGIC || h.version != MSG_VERSION ||
	    h.type == 0 || h.type >= MSG_REPLY ||
	    memchr(h.reply_to, '\0', sizeof(h.reply_to)) == NULL)
		return -1;
	c->type = h.type;
	c->flags = h.flags;
	c->req_id = h.req_id;
	c->deadline_ms = h.deadline_ms;
	memcpy(c->reply_to, h.reply_to, sizeof(c->reply_to));
	for (unsigned i = 0; i < h.nfields; i++) {
		uint32_t tag, flen;
		const char **f;

		if (len - used < 8)
			return -1;
		memcpy(&tag, buf + used, 4);
		memcpy(&flen, buf + used + 4, 4);
		used += 8;
		if (flen == 0 || flen > len - used ||
		    buf[used + flen - 1] != '\0' ||
		    memchr(buf + used, '\0', flen) != buf + used + flen - 1 ||
		    (f = mq_field(c, tag)) == NULL || *f != NULL)
			return -1;
		*f = buf + used;
		used += flen;
	}
	return used == len ? 0 : -1;
}

int
msg_reply_check(const struct msg_reply *r, size_t len)
{
	if (len != sizeof(*r) || r->magic != MSG_MAGIC ||
	    r->version != MSG_VERSION || r->type != MSG_REPLY ||
	    r->err >= ERR__COUNT ||
	    memchr(r->id, '\0', sizeof(r->id)) == NULL ||
	    memchr(r->msg, '\0', sizeof(r->msg)) == NULL)
		return -1;
	return 0;
}

int
msg_frag_check(const char *msg, size_t len, struct msg_frag *f)
{
	size_t slice;

	if (len < sizeof(*f))
		return -1;
	memcpy(f, msg, sizeof(*f));
	if (f->magic != MSG_MAGIC || f->version != MSG_VERSION ||
	    f->count == 0 || f->index >= f->count || f->total == 0 ||
	    f->total > MSG_CMD_MAX ||
	    (size_t)f->count != (f->total + MSG_FRAG_DATA - 1) / MSG_FRAG_DATA ||
	    memchr(f->sender, '\0', sizeof(f->sender)) == NULL)
		return -1;
	/* Every slice is full but the last. */
	slice = f->index + 1 < f->count ? MSG_FRAG_DATA :
	    f->total - (size_t)f->index * MSG_FRAG_DATA;
	return len - sizeof(*f) == slice ? 0 : -1;
}
