package io.pktpath.parser.ipset;

/** One dimension of an ipset type (ipset(8)): the kinds of value an element is made of. */
public enum Dimension {
    IP, NET, PORT, MAC, IFACE, MARK, SET
}
