#ifndef EP_DNS_H
#define EP_DNS_H

#include <stdint.h>

/*
 * What DNS answers hold, as every stage sees it: addresses, SRV records
 * and how a lookup ended.  No resolver here: that is net/ep_resolve.h.
 */

#define EP_SRV_TARGET_MAX	253	/* octets of an SRV target, no trailing dot */
#define EP_DNS_SERVERS_MAX	16	/* servers given (--dns, "dns =") */

/* One address of a name. */
struct ep_addr {
	int		family;		/* AF_INET or AF_INET6 */
	unsigned char	addr[16];	/* network order; 4 bytes used for IPv4 */
};

/* One SRV record. */
struct ep_srv {
	char		target[EP_SRV_TARGET_MAX + 1];	/* as published, without
							   the trailing dot; ""
							   for "." (not offered) */
	uint16_t	port;
	uint16_t	priority;
	uint16_t	weight;
};

/* How a lookup ended. */
enum ep_dns_status {
	EP_DNS_ANSWERED,	/* records came back */
	EP_DNS_NONE,		/* the name, or the record type, does not exist */
	EP_DNS_FAILED,		/* no answer that says either: timed out,
				   refused, server failure, malformed... */
	EP_DNS_LATE,		/* the run deadline passed before the answer */
	EP_DNS_INTERRUPTED,	/* the run was stopped (a signal) before the
				   answer */
};

#endif /* EP_DNS_H */
