// Package pricing is a tiny gRPC service, Pricing/Quote, declared by hand (no protoc): the messages are Go structs
// carried by a JSON codec. otelgrpc's stats handlers trace both the server and the client side.
package pricing

import (
	"context"
	"encoding/json"
	"net"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding"
)

type QuoteRequest struct {
	Driver string  `json:"driver"`
	Km     float64 `json:"km"`
}

type QuoteReply struct {
	Price float64 `json:"price"`
}

// jsonCodec lets gRPC carry plain structs; it is selected with the "json" content subtype.
type jsonCodec struct{}

func (jsonCodec) Marshal(v any) ([]byte, error)      { return json.Marshal(v) }
func (jsonCodec) Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
func (jsonCodec) Name() string                       { return "json" }

func init() { encoding.RegisterCodec(jsonCodec{}) }

type pricingServer struct{ perKm float64 }

// Quote is the server implementation of dispatch.Pricing/Quote.
func (s *pricingServer) Quote(_ context.Context, req *QuoteRequest) (*QuoteReply, error) { // @span dispatch.Pricing/Quote | kind=server
	return &QuoteReply{Price: 2.5 + s.perKm*req.Km}, nil
}

var serviceDesc = grpc.ServiceDesc{
	ServiceName: "dispatch.Pricing",
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Quote",
		Handler: func(srv any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
			req := new(QuoteRequest)
			if err := dec(req); err != nil {
				return nil, err
			}
			return srv.(*pricingServer).Quote(ctx, req)
		},
	}},
	Streams: []grpc.StreamDesc{},
}

// Serve starts the pricing server on a free loopback port.
func Serve() (addr string, stop func(), err error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	server := grpc.NewServer(grpc.StatsHandler(otelgrpc.NewServerHandler()))
	server.RegisterService(&serviceDesc, &pricingServer{perKm: 1.3})
	go func() { _ = server.Serve(lis) }()
	return lis.Addr().String(), server.GracefulStop, nil
}

type Client struct{ conn *grpc.ClientConn }

func Dial(addr string) (*Client, error) {
	conn, err := grpc.NewClient(addr,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithStatsHandler(otelgrpc.NewClientHandler()),
		grpc.WithDefaultCallOptions(grpc.CallContentSubtype("json")))
	if err != nil {
		return nil, err
	}
	return &Client{conn: conn}, nil
}

// Quote calls dispatch.Pricing/Quote.
func (c *Client) Quote(ctx context.Context, driver string, km float64) (*QuoteReply, error) {
	reply := new(QuoteReply)
	err := c.conn.Invoke(ctx, "/dispatch.Pricing/Quote", &QuoteRequest{Driver: driver, Km: km}, reply) // @span dispatch.Pricing/Quote | kind=client
	return reply, err
}
