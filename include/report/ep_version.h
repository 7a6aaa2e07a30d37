#ifndef EP_VERSION_H
#define EP_VERSION_H

#define EP_VERSION	"0.1.0"	/* the release, in reports and --version */

#endif /* EP_VERSION_H */
