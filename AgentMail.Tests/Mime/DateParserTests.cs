using AgentMail.Mime.Headers;

namespace AgentMail.Tests.Mime;

public class DateParserTests
{
    [Theory]
    [InlineData("Fri, 21 Nov 1997 09:55:06 -0600", "1997-11-21T09:55:06-06:00")]   // RFC 5322 A.1.1
    [InlineData("Tue, 1 Jul 2003 10:52:37 +0200", "2003-07-01T10:52:37+02:00")]    // RFC 5322 A.3
    [InlineData("Thu,\r\n      13\r\n        Feb\r\n          1969\r\n      23:32\r\n               -0330 (Newfoundland Time)", "1969-02-13T23:32:00-03:30")] // A.5
    [InlineData("21 Nov 97 09:55:06 GMT", "1997-11-21T09:55:06+00:00")]             // A.6.2: two-digit year, obsolete zone
    [InlineData("Thu, 19 Sep 91 12:41:43 EDT", "1991-09-19T12:41:43-04:00")]
    [InlineData("Sun, 7 May 95 16:21:03 GMT", "1995-05-07T16:21:03+00:00")]
    [InlineData("Sat, 2 Jan 16 17:42:00 PST", "2016-01-02T17:42:00-08:00")]        // 00-49 → 20xx
    [InlineData("Sat, 2 Jan 116 17:42:00 +0000", "2016-01-02T17:42:00+00:00")]     // three digits → +1900
    [InlineData("Wed, 20 Sep 1995 00:19:00 (EDT) -0400", "1995-09-20T00:19:00-04:00")]
    [InlineData("Fri, 23 Aug 2002 2:32:53 -0400", "2002-08-23T02:32:53-04:00")]
    [InlineData("Thu, 8 Mar 2005 17:40:36 EDT", "2005-03-08T17:40:36-04:00")]
    [InlineData("Mon, 1 Jan 2024 10:00 Z", "2024-01-01T10:00:00+00:00")]
    [InlineData("Mon, 1 Jan 2024 10:00:00 A", "2024-01-01T10:00:00+00:00")]        // military zone: -0000 (§4.3)
    [InlineData("Mon, 1 Jan 2024 10:00:00", "2024-01-01T10:00:00+00:00")]          // no zone
    [InlineData("Fri Feb 22 17:06:23 2008", "2008-02-22T17:06:23+00:00")]           // ctime
    [InlineData("Mon, 01 Jan 2024 10:00:60 +0100", "2024-01-01T10:00:59+01:00")]   // leap second
    [InlineData("1 jan 2024 5:06:07 pm +0000", "2024-01-01T17:06:07+00:00")]
    [InlineData("Tue, 12 Nov 2013 09:12:42 -0500 (EST)", "2013-11-12T09:12:42-05:00")]
    [InlineData("Sun, 31 Dec 2023 23:59:59 CEST", "2023-12-31T23:59:59+02:00")]
    public void ParsesDates(string value, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), DateParser.Parse(value));

    [Theory]
    [InlineData("")]
    [InlineData("not a date")]
    [InlineData("32 Jan 2020 00:00:00 +0000")]
    [InlineData("29 Feb 2021 00:00:00 +0000")]
    [InlineData("1 Jan 2024 25:00:00 +0000")]
    [InlineData("1 Jan 2024 10:00:00 +0099")]
    [InlineData("Jan 2024")]
    public void RejectsWhatIsNotADate(string value) => Assert.Null(DateParser.Parse(value));
}
